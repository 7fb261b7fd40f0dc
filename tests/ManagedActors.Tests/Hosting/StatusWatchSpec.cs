using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ManagedActors.Host;
using ManagedActors.Tests.Support;
using Spectre.Console;
using Xunit;

namespace ManagedActors.Tests.Hosting;

/// <summary>
/// <c>status --watch</c>: calls per second from two reports, the keys that pause, sort and quit, JSON lines when there is
/// no terminal, and the live view in a real pseudo-terminal answering real key presses.
/// </summary>
public sealed class StatusWatchSpec
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 8, 12, 0, 0, TimeSpan.Zero);

    private static HostStatus Report(params ObjectStatus[] objects) =>
        new("akka.mauth.tcp://managed-actors@127.0.0.1:1", Guid.NewGuid(), objects, [new ClientStatus("local", 1), new ClientStatus("akka.mauth.tcp://c@127.0.0.1:2", 2)]);

    private static ObjectStatus Object(string name, string kind, int size, long calls, string? holder = null) =>
        new(name, name, kind, size, 0, Host: "h", Calls: calls, Holder: holder);

    [Fact]
    public void Rates_come_from_two_reports_and_the_keys_pause_sort_and_quit()
    {
        var watch = new StatusWatch(TimeSpan.FromSeconds(1));
        watch.Update(Report(Object("busy", "dict", 1, 1000), Object("idle", "queue", 9, 50)), T0);
        Assert.Empty(watch.Rates);
        watch.Update(Report(Object("busy", "dict", 1, 1400), Object("idle", "queue", 9, 52), Object("new", "lock", 1, 7, holder: "akka.mauth.tcp://c@127.0.0.1:2")), T0.AddSeconds(2));
        Assert.Equal(200, watch.Rates["busy@h"]);
        Assert.Equal(1, watch.Rates["idle@h"]);
        Assert.False(watch.Rates.ContainsKey("new@h"));

        Assert.Equal(["busy", "idle", "new"], watch.Objects().Select(o => o.Name));
        Assert.False(watch.Apply(Key('s')));
        Assert.Equal(StatusWatch.Order.Name, watch.SortBy);
        Assert.False(watch.Apply(Key('s')));
        Assert.Equal(["dict", "lock", "queue"], watch.Objects().Select(o => o.Kind));
        Assert.False(watch.Apply(Key('S')));
        Assert.Equal(["idle", "busy", "new"], watch.Objects().Select(o => o.Name));
        Assert.False(watch.Apply(Key('s')));
        Assert.Equal(StatusWatch.Order.CallRate, watch.SortBy);
        Assert.False(watch.Apply(Key('p')));
        Assert.True(watch.Paused);
        Assert.False(watch.Apply(Key('x')));
        Assert.True(watch.Apply(Key('q')));
        Assert.True(watch.Apply(new ConsoleKeyInfo('\u001b', ConsoleKey.Escape, false, false, false)));

        var text = Rendered(watch);
        Assert.Contains("paused", text, StringComparison.Ordinal);
        Assert.Contains("akka.mauth.tcp://c@127.0.0.1:2", text, StringComparison.Ordinal);
        Assert.Matches(@"busy\s*│\s*dict\s*│\s*1\s*│\s*0\s*│\s*│\s*200", text);
        Assert.Contains("calls/s 201", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_terminal_it_writes_one_json_line_per_refresh_with_calls_per_second_and_the_lock_holder()
    {
        await using var host = await HostProcess.StartAsync();
        await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey);
        var dict = await client.DictAsync<string, int>("watched");
        var held = await client.LockAsync("held");
        await held.AcquireAsync();
        using var stop = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await dict.SetAsync("k", 1);
            }
        });
        var (code, output, errors) = await HostProcess.RunCommandAsync(
            new Dictionary<string, string> { ["MANAGEDACTORS_AUTHKEY"] = Convert.ToHexString(host.AuthKey) },
            "status", "--address", host.Address, "--watch", "--interval", "0.3", "--count", "3");
        await stop.CancelAsync();
        await load;
        Assert.True(code == 0, errors);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        using var last = JsonDocument.Parse(lines[^1]);
        var root = last.RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        var objects = root.GetProperty("status").GetProperty("objects").EnumerateArray().ToList();
        var watched = objects.Single(o => o.GetProperty("name").GetString() == "watched");
        Assert.True(watched.GetProperty("calls").GetInt64() > 0);
        var lockStatus = objects.Single(o => o.GetProperty("name").GetString() == "held");
        Assert.StartsWith("akka.mauth.tcp://managed-actors-client@127.0.0.1:", lockStatus.GetProperty("holder").GetString(), StringComparison.Ordinal);
        var rate = root.GetProperty("callsPerSecond").GetProperty(watched.GetProperty("id").GetString() + "@" + watched.GetProperty("host").GetString()).GetDouble();
        Assert.True(rate > 0, $"calls/s {rate}");
    }

    [Fact]
    public async Task A_bad_interval_is_refused_with_exit_code_2()
    {
        var (code, _, errors) = await HostProcess.RunCommandAsync(
            new Dictionary<string, string> { ["MANAGEDACTORS_AUTHKEY"] = new string('a', 64) }, "status", "--address", "127.0.0.1:1", "--watch", "--interval", "0");
        Assert.Equal(2, code);
        Assert.Contains("--interval must be between 0.05 and 3600 seconds", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_terminal_the_live_view_answers_its_keys_and_quits_on_q()
    {
        await using var host = await HostProcess.StartAsync();
        await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey);
        await client.DictAsync<string, int>("on-screen");
        // `script` gives the tool a pseudo-terminal, whose input is this test's writes: real key presses.
        var start = new ProcessStartInfo("script") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["-qfec", $"stty cols 200 rows 50; dotnet {HostProcess.HostDll} status --address {host.Address} --watch --interval 0.2", "/dev/null"])
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["MANAGEDACTORS_AUTHKEY"] = Convert.ToHexString(host.AuthKey);
        start.Environment["TERM"] = "xterm-256color";
        foreach (var ci in (string[])["CI", "TF_BUILD", "GITHUB_ACTIONS", "NO_COLOR"])
        {
            start.Environment.Remove(ci);
        }
        using var terminal = Process.Start(start)!;
        var screen = new StringBuilder();
        var reading = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int read;
            while ((read = await terminal.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (screen)
                {
                    screen.Append(buffer, 0, read);
                }
            }
        });
        try
        {
            await ShowsAsync(screen, "on-screen");
            await ShowsAsync(screen, "sorted by calls/s");
            await terminal.StandardInput.WriteAsync('s');
            await terminal.StandardInput.FlushAsync();
            await ShowsAsync(screen, "sorted by name");
            await terminal.StandardInput.WriteAsync('p');
            await terminal.StandardInput.FlushAsync();
            await ShowsAsync(screen, "paused");
            await terminal.StandardInput.WriteAsync('q');
            await terminal.StandardInput.FlushAsync();
            await terminal.WaitForExitAsync().Within(TimeSpan.FromSeconds(20), "the view to quit on q");
            Assert.Equal(0, terminal.ExitCode);
        }
        finally
        {
            if (!terminal.HasExited)
            {
                terminal.Kill(entireProcessTree: true);
            }
        }
        await reading.Within(TimeSpan.FromSeconds(10), "the terminal's output to end");
    }

    private static Task<string> ShowsAsync(StringBuilder screen, string text) =>
        Bounded.UntilAsync(_ => Task.FromResult(Read(screen)), s => s.Contains(text, StringComparison.Ordinal), $"the view to show '{text}'");

    private static string Read(StringBuilder screen)
    {
        lock (screen)
        {
            return screen.ToString();
        }
    }

    private static ConsoleKeyInfo Key(char c) => new(c, ConsoleKey.A, char.IsUpper(c), false, false);

    private static string Rendered(StatusWatch watch)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        console.Write(watch.Render());
        return output.ToString();
    }
}
