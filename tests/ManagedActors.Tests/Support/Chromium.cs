using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace ManagedActors.Tests.Support;

/// <summary>
/// A real headless browser (Debian's chromium, installed by .ci/run), driven over the DevTools protocol: navigate,
/// evaluate an expression in the page, take a screenshot. Its profile is its own and goes with it. Without the browser
/// its tests are skipped, unless <c>MANAGEDACTORS_REQUIRE_BROWSER=1</c> (CI sets it, after installing it).
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private int _id;

    private Chromium(Process process, DirectoryInfo profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The browser: <c>CHROMIUM</c> if set, else /usr/bin/chromium.</summary>
    public static string Path => Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Skips the test without a browser, or fails it when CI requires one.</summary>
    public static void Require()
    {
        if (File.Exists(Path))
        {
            return;
        }
        var missing = $"No browser at {Path}: the dashboard's browser tests need Debian's chromium (apt-get install chromium)";
        if (Environment.GetEnvironmentVariable("MANAGEDACTORS_REQUIRE_BROWSER") == "1")
        {
            throw new FileNotFoundException(missing + ", and MANAGEDACTORS_REQUIRE_BROWSER=1 requires it.", Path);
        }
        Skip.If(true, missing + ".");
    }

    public static async Task<Chromium> StartAsync()
    {
        Require();
        var port = HostProcess.FreePort();
        var profile = Directory.CreateTempSubdirectory("managed-actors-chromium-");
        var start = new ProcessStartInfo(Path) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            $"--user-data-dir={profile.FullName}", $"--remote-debugging-port={port}", "--window-size=1440,900", "about:blank"])
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var browser = new Chromium(process, profile);
        try
        {
            using var http = new HttpClient();
            var page = await Bounded.UntilAsync(
                async token =>
                {
                    try
                    {
                        var targets = await http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{port}/json/list", token);
                        return targets.EnumerateArray().FirstOrDefault(t => t.GetProperty("type").GetString() == "page");
                    }
                    catch (HttpRequestException)
                    {
                        return default;
                    }
                },
                target => target.ValueKind == JsonValueKind.Object, "chromium's DevTools endpoint", TimeSpan.FromSeconds(30));
            await browser._socket.ConnectAsync(new Uri(page.GetProperty("webSocketDebuggerUrl").GetString()!), CancellationToken.None);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends one DevTools command and waits for its result (events in between are skipped).</summary>
    public async Task<JsonElement> SendAsync(string method, object? parameters = null)
    {
        var id = Interlocked.Increment(ref _id);
        var request = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
        await _socket.SendAsync(request, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await _socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);
            using var document = JsonDocument.Parse(message.ToArray());
            if (document.RootElement.TryGetProperty("id", out var answered) && answered.GetInt32() == id)
            {
                if (document.RootElement.TryGetProperty("error", out var error))
                {
                    throw new InvalidOperationException($"{method}: {error}");
                }
                return document.RootElement.GetProperty("result").Clone();
            }
        }
    }

    public Task NavigateAsync(string url) => SendAsync("Page.navigate", new { url });

    /// <summary>The value of a JavaScript expression in the page, as a string (empty while the page has none).</summary>
    public async Task<string> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true });
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.ToString() : "";
    }

    /// <summary>A PNG of the page's top <paramref name="height"/> pixels (the whole window when null).</summary>
    public async Task<byte[]> ScreenshotAsync(int? height = null)
    {
        object parameters = height is { } h ? new { format = "png", clip = new { x = 0, y = 0, width = 1440, height = h, scale = 1 } } : new { format = "png" };
        return Convert.FromBase64String((await SendAsync("Page.captureScreenshot", parameters)).GetProperty("data").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // The browser's last files may still be closing; the temporary folder goes with the machine.
        }
    }
}
