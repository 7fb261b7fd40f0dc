using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ManagedActors.Host.Dashboard;

/// <summary>
/// Where the dashboard listens and how it is entered: an address (loopback unless TLS or the unsafe flag says
/// otherwise), an optional certificate, and the token derived from the authkey that every request must show.
/// </summary>
internal sealed record DashboardSettings(IPEndPoint EndPoint, X509Certificate2? Certificate, string Token)
{
    /// <summary>The environment variable holding the certificate file's password, when it has one.</summary>
    public const string CertificatePasswordVariable = "MANAGEDACTORS_DASHBOARD_CERTIFICATE_PASSWORD";

    /// <summary>The address <c>--dashboard</c> alone listens on: loopback, on a port the system picks.</summary>
    public const string DefaultAddress = "127.0.0.1:0";

    public bool Tls => Certificate is not null;

    /// <summary>The dashboard's token: HMAC-SHA256 of a fixed label under the authkey, so only an authkey holder can make it, and it reveals nothing of the key.</summary>
    public static string TokenFor(byte[] authKey) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(authKey, Encoding.UTF8.GetBytes("ManagedActors dashboard token v1")))[..32];

    /// <summary>
    /// The settings for <c>--dashboard ADDRESS:PORT</c>; an error line (for exit code 2) when the address does not parse,
    /// or names an interface beyond loopback without a certificate and without <paramref name="unsafeNoTls"/>.
    /// </summary>
    public static (DashboardSettings? Settings, string? Error) Parse(string address, FileInfo? certificate, bool unsafeNoTls, byte[] authKey)
    {
        if (!IPEndPoint.TryParse(address, out var endPoint) || endPoint.Port is < 0 or > 65535 || !address.Contains(':', StringComparison.Ordinal))
        {
            return (null, $"--dashboard {address}: give an IP address and a port, as 127.0.0.1:8080 (0 picks a free port).");
        }
        if (!IPAddress.IsLoopback(endPoint.Address) && certificate is null && !unsafeNoTls)
        {
            return (null, $"--dashboard {address} would serve the dashboard and its token beyond loopback in the clear: give it --dashboard-certificate FILE.pfx, " +
                "or --dashboard-unsafe-no-tls to accept that anyone on the path can read them.");
        }
        X509Certificate2? loaded = null;
        if (certificate is not null)
        {
            try
            {
                loaded = X509CertificateLoader.LoadPkcs12FromFile(certificate.FullName, Environment.GetEnvironmentVariable(CertificatePasswordVariable));
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                return (null, $"--dashboard-certificate {certificate.FullName} cannot be read: {e.Message.Split('\n')[0].Trim()}");
            }
        }
        return (new DashboardSettings(endPoint, loaded, TokenFor(authKey)), null);
    }
}
