using System.Diagnostics;
using System.Text.Json;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Hosting;

/// <summary>
/// <c>serve</c> and <c>status</c> as a new user meets them: a taken port or journal is refused by name, the host says
/// where it serves (and writes it to a ready file), <c>status --json</c> tells clients from itself and the host, a
/// normal stop is clean, Akka's lines stay off standard output, and bad input gets one line and exit code 2.
/// </summary>
public sealed class ServeCommandSpec : IDisposable
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(20);

    private readonly TempStore _folder = new();

    public void Dispose() => _folder.Dispose();

    private static Dictionary<string, string> Key(byte[] key) => new() { ["MANAGEDACTORS_AUTHKEY"] = Convert.ToHexString(key) };

    private static async Task<(int ExitCode, string Output, string Errors)> RefusedWithinAsync(byte[] key, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var run = await HostProcess.RunCommandAsync(Key(key), ["serve", .. args]);
        Assert.True(clock.Elapsed < Quick, $"The refusal took {clock.Elapsed}.");
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Output}{run.Errors}");
        Assert.DoesNotContain("   at ", run.Errors);
        return run;
    }

    [Fact]
    public async Task A_second_serve_on_a_taken_port_for_clients_data_or_cluster_exits_2_naming_the_port()
    {
        var ready = _folder.PathOf("ready.json");
        var seed = HostProcess.FreePort();
        var clusterKey = _folder.PathOf("cluster.key");
        await File.WriteAllTextAsync(clusterKey, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        await using var host = await HostProcess.StartAsync(port: HostProcess.FreePort(),
            arguments: ["--ready-file", ready, "--seed", $"127.0.0.1:{seed}", "--cluster-port", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cluster-key-file", clusterKey]);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(ready));
        var port = json.RootElement.GetProperty("port").GetInt32();
        var dataPort = json.RootElement.GetProperty("dataPort").GetInt32();
        Assert.Equal(seed, json.RootElement.GetProperty("clusterPort").GetInt32());

        var (_, _, errors) = await RefusedWithinAsync(host.AuthKey, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains($"Port {port} on 127.0.0.1 (the host's port for clients) is in use", errors);

        var config = _folder.PathOf("data-port.conf");
        await File.WriteAllTextAsync(config, $"managed-actors.direct.port = {dataPort}");
        (_, _, errors) = await RefusedWithinAsync(host.AuthKey, "--config", config);
        Assert.Contains($"Port {dataPort} on 127.0.0.1 (the host's data port) is in use", errors);

        (_, _, errors) = await RefusedWithinAsync(host.AuthKey, "--seed", $"127.0.0.1:{seed}", "--cluster-port", seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cluster-key-file", clusterKey);
        Assert.Contains($"Port {seed} on 127.0.0.1 (the host's cluster port) is in use", errors);

        // The first host still serves, alone on its port.
        await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey);
        Assert.Equal(host.Address, client.Address);
    }

    [Fact]
    public async Task A_second_standalone_host_on_one_SQLite_journal_is_refused_naming_the_process_that_holds_it()
    {
        var store = _folder.PathOf("objects.db");
        await using var host = await HostProcess.StartAsync(durable: store);
        var (_, _, errors) = await RefusedWithinAsync(host.AuthKey, "--durable", store);
        Assert.Contains($"The durable store {store} is in use by another host", errors);
        Assert.Contains($"process {host.Pid}", errors);
        Assert.Contains(host.Address, errors);

        // Stopped, it lets go of the file: a host starts on it at once.
        Assert.Equal(0, await host.TerminateAsync(Quick));
        await using var next = await HostProcess.StartAsync(durable: store);
    }

    [Fact]
    public async Task Serve_says_where_it_serves_status_json_tells_the_caller_and_the_host_from_clients_and_sigterm_is_clean()
    {
        var ready = _folder.PathOf("ready.json");
        await using var host = await HostProcess.StartAsync(arguments: ["--ready-file", ready]);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(ready));
        Assert.Equal(host.Address, json.RootElement.GetProperty("address").GetString());
        Assert.Equal(host.Pid, json.RootElement.GetProperty("pid").GetInt32());
        var dataPort = json.RootElement.GetProperty("dataPort").GetInt32();
        Assert.Contains($"data port {dataPort}", host.StandardOutput);

        await using (var client = await Manager.ConnectAsync(host.Address, host.AuthKey))
        {
            await (await client.ListAsync<int>("jobs")).AppendAsync(1);
            var (code, output, errors) = await HostProcess.RunCommandAsync(Key(host.AuthKey), "status", "--address", host.Address, "--json");
            Assert.True(code == 0, output + errors);
            using var status = JsonDocument.Parse(output);
            var root = status.RootElement;
            Assert.Equal(1, root.GetProperty("version").GetInt32());
            Assert.Equal(1, root.GetProperty("clientCount").GetInt32());
            var roles = root.GetProperty("clients").EnumerateArray().Select(c => c.GetProperty("role").GetString()).Order().ToList();
            Assert.Equal(["caller", "client", "host"], roles);
            var list = Assert.Single(root.GetProperty("objects").EnumerateArray());
            Assert.Equal("jobs", list.GetProperty("name").GetString());
            Assert.Equal("list", list.GetProperty("kind").GetString());
            Assert.Equal(1, list.GetProperty("size").GetInt32());
        }

        Assert.Equal(0, await host.TerminateAsync(Quick));
        // Standard output is the host's own lines; Akka's and the generic host's go to standard error, and a normal stop logs no error.
        Assert.All(host.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("ManagedActors host", line));
        Assert.False(host.Errors.Contains("fail:", StringComparison.Ordinal), host.Errors);
    }

    [Fact]
    public async Task Bad_input_gets_exit_code_2_and_one_line_that_says_what_to_do()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var hocon = Path.Combine(LayerSpecRoot, "hocon", "cluster-seed.conf");
        var (_, _, errors) = await RefusedWithinAsync(key, "--config", hocon);
        Assert.Contains("needs a cluster key", errors);
        Assert.Contains("managed-actors keygen", errors);

        var blocked = _folder.PathOf("not-a-folder");
        await File.WriteAllTextAsync(blocked, "a file where the store's folder should be");
        (_, _, errors) = await RefusedWithinAsync(key, "--durable", Path.Combine(blocked, "objects.db"));
        Assert.Contains("the durable store", errors);
        Assert.Contains("cannot be opened", errors);

        var notHocon = _folder.PathOf("bad.conf");
        await File.WriteAllTextAsync(notHocon, "managed-actors.call-timeout = 5s\n`not HOCON`\n");
        (_, _, errors) = await RefusedWithinAsync(key, "--config", notHocon);
        Assert.Contains("is not HOCON", errors);

        var badValue = _folder.PathOf("bad-value.conf");
        await File.WriteAllTextAsync(badValue, "managed-actors.call-timeout = soon");
        (_, _, errors) = await RefusedWithinAsync(key, "--config", badValue);
        Assert.Contains("a setting is not valid", errors);

        var seedGone = _folder.PathOf("short-join.conf");
        await File.WriteAllTextAsync(seedGone, "managed-actors.cluster.join-timeout = 3s");
        var clusterKey = _folder.PathOf("cluster.key");
        await File.WriteAllTextAsync(clusterKey, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        (_, _, errors) = await RefusedWithinAsync(key, "--config", seedGone, "--seed", $"127.0.0.1:{HostProcess.FreePort()}", "--cluster-key-file", clusterKey);
        Assert.Contains("No member let this host into the cluster", errors);
        Assert.Single(errors.Split('\n'), line => line.StartsWith("Cannot start the host", StringComparison.Ordinal));
    }

    private static string LayerSpecRoot => Architecture.LayerSpec.RepositoryRoot;
}
