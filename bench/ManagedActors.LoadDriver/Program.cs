using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ManagedActors.LoadDriver;

// The end-to-end load driver. `run` orchestrates: it starts a host process and client processes (this same
// program in the `host`/`client` roles), gives them a common start time, and prints one JSON line per figure.
// `raw-host`/`raw-client` measure a bare echo actor over the same remoting configuration: the floor Akka sets.
var command = args.Length > 0 ? args[0] : "run";
var options = Options.Parse(args.Skip(1).ToArray());
// A host or client of the telemetry figures listens to its own meter and spans as an application would.
using var telemetry = command is "host" or "client" ? TelemetryCost.Listen() : null;
return command switch
{
    "run" => await Orchestrator.RunAsync(options),
    "host" => await Roles.HostAsync(),
    "client" => await Roles.ClientAsync(options),
    "raw-host" => await RawEcho.HostAsync(),
    "raw-client" => await RawEcho.ClientAsync(options),
    "socket-host" => await SocketEcho.HostAsync(),
    "socket-client" => await SocketEcho.ClientAsync(options),
    "recovery" => await Recovery.RunAsync(options),
    "failover" => await Failover.RunAsync(options),
    "cluster-host" => await Failover.HostAsync(options),
    "cluster" => await ClusterThroughput.RunAsync(options),
    "soak" => await Soak.RunAsync(options),
    "telemetry" => await TelemetryCost.RunAsync(options),
    "spin" => Soak.Spin(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ManagedActors.LoadDriver run [--seconds 3] [--inflight 64] [--clients 1,2,4,8] [--only dict,list,queue,incr,incr-seq,flood,latency,raw,steps,durability] [--transports direct,direct-sealed,akka-remote]\n       ManagedActors.LoadDriver recovery [--events 100000] [--values int|record]\n       ManagedActors.LoadDriver failover [--rounds 5]\n       ManagedActors.LoadDriver cluster [--seconds 3] [--clients 4]\n       ManagedActors.LoadDriver soak [--minutes 10] [--busy 2]\n       ManagedActors.LoadDriver telemetry [--seconds 3] [--clients 4] [--rounds 2]");
    return 2;
}

namespace ManagedActors.LoadDriver
{
    internal sealed record Options(Dictionary<string, string> Values)
    {
        public static Options Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                values[args[i].TrimStart('-')] = args[i + 1];
            }
            return new Options(values);
        }

        public string Get(string key, string fallback) => Values.TryGetValue(key, out var v) ? v : fallback;

        public int Int(string key, int fallback) => int.Parse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        public double Double(string key, double fallback) => double.Parse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
    }

    /// <summary>One figure of a run.</summary>
    internal sealed record Figure(string Impl, string Workload, int Clients, int InFlight, double OpsPerSec, double? P50Us = null, double? P99Us = null, long? Lost = null, double? WallMs = null, double? ClientMb = null, double? HostMb = null, double? HopShare = null)
    {
        public string ToJson() => JsonSerializer.Serialize(new
        {
            impl = Impl, workload = Workload, clients = Clients, inflight = InFlight, ops_per_sec = Math.Round(OpsPerSec),
            p50_us = P50Us is { } p50 ? Math.Round(p50, 1) : (double?)null, p99_us = P99Us is { } p99 ? Math.Round(p99, 1) : (double?)null, lost = Lost,
            wall_ms = WallMs is { } wall ? Math.Round(wall, 1) : (double?)null,
            client_mb = ClientMb is { } client ? Math.Round(client) : (double?)null,
            host_mb = HostMb is { } host ? Math.Round(host) : (double?)null,
            hop_share = HopShare is { } hops ? Math.Round(hops, 3) : (double?)null,
        });
    }

    /// <summary>Starts this program again in another role, as a child process.</summary>
    internal static class Child
    {
        public static Process Start(string role, IEnumerable<string> args, IDictionary<string, string>? environment = null)
        {
            var exe = Environment.ProcessPath!;
            var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = false, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
            {
                start.ArgumentList.Add(typeof(Child).Assembly.Location);
            }
            start.ArgumentList.Add(role);
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }
            foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            {
                start.Environment[key] = value;
            }
            return Process.Start(start) ?? throw new InvalidOperationException($"Could not start the {role} process.");
        }

        /// <summary>Reads lines until one starts with the prefix; returns the rest of it.</summary>
        public static async Task<string> ReadLineStartingAsync(Process process, string prefix, TimeSpan limit)
        {
            using var cancel = new CancellationTokenSource(limit);
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(cancel.Token) ?? throw new InvalidOperationException($"The child exited before printing '{prefix}'.");
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..];
                }
            }
        }
    }
}
