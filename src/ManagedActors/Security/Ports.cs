using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Akka.Configuration;

namespace ManagedActors.Security;

/// <summary>
/// Refuses a port another process listens on before a host binds it. Akka.Remote binds with SO_REUSEADDR, which .NET
/// turns into SO_REUSEPORT as well on Linux, so a second host on a taken port would start and share it: clients would
/// land on either. A probe bound with SO_REUSEADDR alone fails on a port that some socket listens on, and still
/// succeeds on one whose last host's connections linger in TIME_WAIT, so a host restarts on its port at once.
/// </summary>
internal static class Ports
{
    /// <summary>Throws when <paramref name="port"/> (not 0) on <paramref name="hostname"/> has a listener.</summary>
    /// <exception cref="PortInUseException">Another socket listens on the port.</exception>
    public static void EnsureFree(string hostname, int port, string purpose)
    {
        if (port == 0)
        {
            return;
        }
        var address = AddressOf(hostname);
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            ReuseAddressOnly(probe);
            probe.Bind(new IPEndPoint(address, port));
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new PortInUseException(hostname, port, purpose, e);
        }
    }

    /// <summary>Throws when the Akka.Remote port that <paramref name="config"/> binds (not 0) has a listener.</summary>
    /// <exception cref="PortInUseException">Another socket listens on the port.</exception>
    public static void EnsureRemotingPortFree(Config config, string purpose)
    {
        var tcp = config.GetConfig("akka.remote.dot-netty.tcp");
        if (tcp is null)
        {
            return;
        }
        var hostname = tcp.GetString("bind-hostname", "") is { Length: > 0 } bindHost ? bindHost : tcp.GetString("hostname", "127.0.0.1");
        var port = tcp.GetString("bind-port", "") is { Length: > 0 } bindPort && int.TryParse(bindPort, out var bound) ? bound : tcp.GetInt("port", 0);
        EnsureFree(hostname.Length > 0 ? hostname : "127.0.0.1", port, purpose);
    }

    /// <summary>Binds <paramref name="socket"/> so that it refuses a port another socket listens on (see <see cref="Ports"/>).</summary>
    /// <exception cref="PortInUseException">Another socket listens on the port.</exception>
    public static void BindExclusive(Socket socket, IPEndPoint endpoint, string hostname, string purpose)
    {
        try
        {
            ReuseAddressOnly(socket);
            socket.Bind(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new PortInUseException(hostname, endpoint.Port, purpose, e);
        }
    }

    /// <summary>The address a hostname binds to: itself when it is one, else its first address.</summary>
    public static IPAddress AddressOf(string hostname) =>
        IPAddress.TryParse(hostname, out var ip) ? ip : Dns.GetHostAddresses(hostname).First();

    /// <summary>SO_REUSEADDR without SO_REUSEPORT: .NET's ReuseAddress sets both on Linux, so the option is set raw there.</summary>
    private static void ReuseAddressOnly(Socket socket)
    {
        if (OperatingSystem.IsWindows())
        {
            socket.ExclusiveAddressUse = true;
        }
        else if (OperatingSystem.IsLinux())
        {
            // SOL_SOCKET = 1, SO_REUSEADDR = 2 on Linux.
            socket.SetRawSocketOption(1, 2, BitConverter.GetBytes(1));
        }
        else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX) || RuntimeInformation.IsOSPlatform(OSPlatform.FreeBSD))
        {
            // SOL_SOCKET = 0xffff, SO_REUSEADDR = 4 on the BSDs.
            socket.SetRawSocketOption(0xffff, 4, BitConverter.GetBytes(1));
        }
    }
}
