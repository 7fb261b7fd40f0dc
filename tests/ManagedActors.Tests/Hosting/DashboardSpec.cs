using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ManagedActors.Host.Dashboard;
using ManagedActors.Processes;
using ManagedActors.Tests.Clustering;
using ManagedActors.Tests.Processes;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Hosting;

/// <summary>
/// <c>serve --dashboard</c> in a real headless browser: the page opens with the token and shows what the host holds,
/// pushed every second; without the token every request is 401; beyond loopback it needs TLS or the unsafe flag.
/// </summary>
[Collection(ProcessHeavy.Name)]
public sealed partial class DashboardSpec
{
    private static async Task<(HostProcess Host, string Url)> ServeAsync()
    {
        var port = HostProcess.FreePort();
        var host = await HostProcess.StartAsync(arguments: ["--dashboard", $"127.0.0.1:{port}"]);
        var line = await Bounded.UntilAsync(_ => Task.FromResult(DashboardLine().Match(host.StandardOutput)), m => m.Success, "serve to print the dashboard's address");
        Assert.Equal(port, new Uri(line.Groups[1].Value).Port);
        return (host, line.Groups[1].Value);
    }

    [SkippableFact]
    public async Task The_page_opens_with_the_token_shows_a_new_object_within_two_pushes_and_every_request_without_it_is_401()
    {
        Chromium.Require();
        var (host, url) = await ServeAsync();
        await using var served = host;
        var root = new Uri(url).GetLeftPart(UriPartial.Authority);
        var token = url[(url.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        using (var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            foreach (var path in (string[])["/", "/events", "/app.js", "/?token=" + new string('0', token.Length), "/?token="])
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(root + path)).StatusCode);
            }
            using var bearer = new HttpRequestMessage(HttpMethod.Get, root + "/app.js") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(bearer)).StatusCode);
            // The token link sets the cookie and sends the browser on without the token in its address.
            var entered = await http.GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, entered.StatusCode);
            Assert.DoesNotContain("token", entered.Headers.Location!.ToString(), StringComparison.Ordinal);
            Assert.Contains(entered.Headers.GetValues("Set-Cookie"), c => c.Contains("httponly", StringComparison.OrdinalIgnoreCase) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
        }

        await using var browser = await Chromium.StartAsync();
        await browser.NavigateAsync(url);
        await Bounded.UntilAsync(_ => SequenceAsync(browser), s => s >= 1, "the first push");
        await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey);
        var probe = await client.ListAsync<string>("dashboard-probe");
        await probe.ExtendAsync(["alpha", "beta", "gamma"]);
        var before = await SequenceAsync(browser);
        await Bounded.UntilAsync(_ => RowsAsync(browser, "objectTable"), t => t.Contains("dashboard-probe", StringComparison.Ordinal),
            "the new list on the objects page");
        var shown = await SequenceAsync(browser);
        Assert.True(shown - before <= 2, $"the list showed at push {shown}, {shown - before} pushes after it was made");
        // Its value shows from the push after the one that asked for it.
        await Bounded.UntilAsync(_ => RowsAsync(browser, "objectTable"), t => t.Contains("[\"alpha\", \"beta\", \"gamma\"]", StringComparison.Ordinal),
            "the list's preview");
        await Bounded.UntilAsync(_ => RowsAsync(browser, "processTable"), t => t.Contains("|client|", StringComparison.Ordinal),
            "the client on the processes page");
        if (Environment.GetEnvironmentVariable("MANAGEDACTORS_DASHBOARD_SCREENSHOT") is { Length: > 0 } screenshot)
        {
            await ScreenshotAsync(browser, client, screenshot);
        }

        // Without its cookie the browser is refused.
        await browser.SendAsync("Network.clearBrowserCookies");
        await browser.NavigateAsync(root + "/");
        await Bounded.UntilAsync(_ => browser.EvaluateAsync("document.body ? document.body.innerText : ''"), t => t.Contains("401 Unauthorized", StringComparison.Ordinal),
            "the refusal without the token");

        // A page left open does not hold the host's stop up, and the stop logs no error.
        await browser.NavigateAsync(url);
        await Bounded.UntilAsync(_ => SequenceAsync(browser), s => s >= 1, "the page to watch again");
        Assert.Equal(0, await host.TerminateAsync(TimeSpan.FromSeconds(15)));
        Assert.False(host.Errors.Contains("fail:", StringComparison.Ordinal), host.Errors);
    }

    [SkippableFact]
    public async Task A_worker_process_shows_as_a_worker_and_a_held_lock_shows_its_holder()
    {
        Chromium.Require();
        var (host, url) = await ServeAsync();
        await using var served = host;
        await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey);
        var started = await client.QueueAsync<int>("started");
        var gate = await client.QueueAsync<string>("gate");
        var held = await client.LockAsync("held-lock");
        await held.AcquireAsync();
        using var worker = ManagedProcess.Start(Workers.WaitForReleaseAsync, started, gate);
        await started.GetAsync(TimeSpan.FromSeconds(60)).Within(TimeSpan.FromSeconds(70), "the worker to start");

        await using var browser = await Chromium.StartAsync();
        await browser.NavigateAsync(url);
        await Bounded.UntilAsync(_ => RowsAsync(browser, "processTable"), t => Regex.IsMatch(t, @"managed-actors-worker@[^|]+\|worker\|1"), "the worker on the processes page");
        await Bounded.UntilAsync(_ => RowsAsync(browser, "objectTable"), t => Regex.IsMatch(t, @"held-lock\|lock\|1\|0\|managed-actors-client@127\.0\.0\.1:\d+\|"),
            "the lock's holder");
        await gate.PutAsync("go");
        Assert.Equal(0, await worker.WaitForExitAsync().Within(TimeSpan.FromSeconds(60), "the worker to finish"));
    }

    [Fact]
    public async Task With_a_certificate_the_dashboard_speaks_https_and_still_asks_for_the_token()
    {
        using var folder = new TempStore();
        var pfx = folder.PathOf("dashboard.pfx");
        using (var key = System.Security.Cryptography.RSA.Create(2048))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
                "CN=127.0.0.1", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx));
        }
        var port = HostProcess.FreePort();
        await using var host = await HostProcess.StartAsync(arguments: ["--dashboard", $"127.0.0.1:{port}", "--dashboard-certificate", pfx]);
        var line = await Bounded.UntilAsync(_ => Task.FromResult(Regex.Match(host.StandardOutput, @"ManagedActors dashboard at (https://127\.0\.0\.1:\d+/\?token=[0-9a-f]{32})")),
            m => m.Success, "serve to print the dashboard's https address");
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        var root = $"https://127.0.0.1:{port}";
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(root + "/")).StatusCode);
        var entered = await http.GetAsync(line.Groups[1].Value);
        Assert.Equal(HttpStatusCode.Redirect, entered.StatusCode);
        Assert.Contains(entered.Headers.GetValues("Set-Cookie"), c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("0.0.0.0:0", "beyond loopback in the clear")]
    [InlineData("nowhere", "give an IP address and a port")]
    public async Task A_dashboard_beyond_loopback_without_tls_or_on_a_bad_address_is_refused_with_exit_code_2(string address, string reason)
    {
        var (code, _, errors) = await HostProcess.RunCommandAsync(
            new Dictionary<string, string> { ["MANAGEDACTORS_AUTHKEY"] = new string('a', 64) }, "serve", "--dashboard", address);
        Assert.Equal(2, code);
        Assert.Contains(reason, errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_feed_reads_the_host_only_while_a_page_watches()
    {
        await using var manager = await Manager.StartAsync();
        await using var feed = new DashboardFeed(manager, TimeSpan.FromMilliseconds(100));
        Assert.False(feed.Running);
        using (var leave = new CancellationTokenSource())
        {
            var pushes = 0;
            await foreach (var snapshot in feed.WatchAsync(leave.Token))
            {
                Assert.True(feed.Running);
                Assert.Contains("\"sequence\":", snapshot, StringComparison.Ordinal);
                if (++pushes == 2)
                {
                    break;
                }
            }
        }
        Assert.False(feed.Running);
        Assert.Equal(DashboardSettings.TokenFor(manager.AuthKey), DashboardSettings.TokenFor([.. manager.AuthKey]));
        Assert.NotEqual(DashboardSettings.TokenFor(manager.AuthKey), DashboardSettings.TokenFor(new byte[32]));
    }

    /// <summary>The README's picture: a few busy objects and a held lock, on the objects page.</summary>
    private static async Task ScreenshotAsync(Chromium browser, ManagerClient client, string file)
    {
        var stock = await client.DictAsync<string, int>("stock");
        var orders = await client.QueueAsync<string>("orders");
        var checkout = await client.LockAsync("checkout");
        await checkout.AcquireAsync();
        await orders.PutAsync("order-1041");
        await orders.PutAsync("order-1042");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));
        var fruit = (string[])["apples", "pears", "plums", "figs"];
        var load = Enumerable.Range(0, 4).Select(async i =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                await stock.IncrementAsync(fruit[(n + i) % fruit.Length], 1);
            }
        }).ToList();
        await browser.EvaluateAsync("document.querySelector('[data-tab=objects]').click()");
        // Taken under load, once the dict's preview shows and a push has measured its rate.
        await Bounded.UntilAsync(_ => RowsAsync(browser, "objectTable"), t => t.Contains("apples", StringComparison.Ordinal), "the dict's preview");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var bottom = double.Parse(await browser.EvaluateAsync("document.getElementById('objectTable').getBoundingClientRect().bottom"), CultureInfo.InvariantCulture);
        await File.WriteAllBytesAsync(file, await browser.ScreenshotAsync((int)bottom + 24));
        await Task.WhenAll(load);
        await checkout.ReleaseAsync();
    }

    /// <summary>A table's rows as lines of cells joined by '|' (whichever tab shows).</summary>
    private static Task<string> RowsAsync(Chromium browser, string table) =>
        browser.EvaluateAsync($"Array.from(document.querySelectorAll('#{table} tbody tr')).map(r => Array.from(r.cells).map(c => c.textContent).join('|')).join('\\n')");

    private static async Task<long> SequenceAsync(Chromium browser) =>
        long.TryParse(await browser.EvaluateAsync("document.body ? document.body.dataset.sequence : '0'"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 0;

    [GeneratedRegex(@"ManagedActors dashboard at (http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{32})")]
    private static partial Regex DashboardLine();
}
