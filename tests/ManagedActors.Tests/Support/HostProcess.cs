using System.Diagnostics;
using System.Security.Cryptography;
using Xunit;

namespace ManagedActors.Tests.Support;

/// <summary>The standalone host run as a real child process, for tests that kill it.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Streams _streams;

    private HostProcess(Process process, string address, byte[] authKey, Streams streams)
    {
        _process = process;
        _streams = streams;
        Address = address;
        AuthKey = authKey;
    }

    /// <summary>What a host process printed: each stream, and both in the order the lines came.</summary>
    private sealed class Streams
    {
        public System.Text.StringBuilder Both { get; } = new();

        public System.Text.StringBuilder Out { get; } = new();

        public System.Text.StringBuilder Err { get; } = new();

        public void Add(System.Text.StringBuilder stream, string? line)
        {
            lock (this)
            {
                stream.AppendLine(line);
                Both.AppendLine(line);
            }
        }

        public string Read(System.Text.StringBuilder stream)
        {
            lock (this)
            {
                return stream.ToString();
            }
        }
    }

    public string Address { get; }

    public byte[] AuthKey { get; }

    public int Pid => _process.Id;

    /// <summary>What the host printed so far, on standard output and standard error, in order.</summary>
    public string Output => _streams.Read(_streams.Both);

    /// <summary>What the host printed so far on standard output alone.</summary>
    public string StandardOutput => _streams.Read(_streams.Out);

    /// <summary>What the host printed so far on standard error alone (its log).</summary>
    public string Errors => _streams.Read(_streams.Err);

    /// <summary>Waits for the host to exit by itself; its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public static string HostDll => Path.Combine(AppContext.BaseDirectory, "managed-actors.dll");

    /// <summary>
    /// Runs one command of the host's CLI to its end (within a minute), its input closed (nobody answers a question):
    /// its exit code, output and errors.
    /// </summary>
    public static Task<(int ExitCode, string Output, string Errors)> RunCommandAsync(IDictionary<string, string>? environment, params string[] args) =>
        RunProgramAsync(HostDll, environment, args);

    /// <summary>Runs the program <paramref name="dll"/> to its end (within a minute), as <see cref="RunCommandAsync"/> runs the host's CLI.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunProgramAsync(string dll, IDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            // A command that does not end is a failure of its own; it must not outlive the test.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', args)} did not end within 60 s. Output: {await output} {await errors}");
        }
        return (process.ExitCode, await output, await errors);
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<HostProcess> StartAsync(
        TimeSpan? startupLimit = null, int port = 0, byte[]? authKey = null, string[]? assemblies = null, string? durable = null,
        string[]? arguments = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        authKey ??= RandomNumberGenerator.GetBytes(32);
        var hostDll = HostDll;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostDll);
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var assembly in assemblies ?? [])
        {
            start.ArgumentList.Add("--assembly");
            start.ArgumentList.Add(assembly);
        }
        if (durable is not null)
        {
            start.ArgumentList.Add("--durable");
            start.ArgumentList.Add(durable);
        }
        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["MANAGEDACTORS_AUTHKEY"] = Convert.ToHexString(authKey);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("The host process did not start.");
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var streams = new Streams();
        process.OutputDataReceived += (_, e) =>
        {
            streams.Add(streams.Out, e.Data);
            const string marker = "listening at ";
            if (e.Data?.IndexOf(marker, StringComparison.Ordinal) is int at and >= 0)
            {
                listening.TrySetResult(e.Data[(at + marker.Length)..].Trim());
            }
        };
        process.ErrorDataReceived += (_, e) => streams.Add(streams.Err, e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The host exited early: {streams.Read(streams.Both)}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(startupLimit ?? TimeSpan.FromSeconds(30));
            return new HostProcess(process, address, authKey, streams);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Asks the host to stop as a service manager does (SIGTERM) and waits for it to exit; its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan limit)
    {
        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        await _process.WaitForExitAsync().WaitAsync(limit);
        return _process.ExitCode;
    }

    /// <summary>Sends <paramref name="signal"/> (<c>STOP</c> freezes the host with its sockets open, <c>CONT</c> resumes it).</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Kills the host the hard way, as a crash would: no shutdown notice reaches the clients.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }
        _process.Dispose();
    }
}
