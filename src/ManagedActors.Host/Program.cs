using System.CommandLine;
using System.Reflection;
using ManagedActors;

namespace ManagedActors.Host;

/// <summary>The standalone host: <c>ManagedActors.Host serve --port 5000 --authkey-file key</c>.</summary>
internal static class Program
{
    /// <summary>The environment variable that may hold the authkey (hex) instead of a file.</summary>
    public const string AuthKeyVariable = "MANAGEDACTORS_AUTHKEY";

    private static async Task<int> Main(string[] args)
    {
        var port = new Option<int>("--port") { Description = "Port to listen on (0 picks a free one).", DefaultValueFactory = _ => 0 };
        var hostname = new Option<string>("--hostname") { Description = "Address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var authKeyFile = new Option<FileInfo?>("--authkey-file") { Description = $"File holding the authkey as hex (or raw bytes); else ${AuthKeyVariable} (hex)." };
        var assemblies = new Option<FileInfo[]>("--assembly") { Description = "Assembly whose types the host may store (repeatable).", AllowMultipleArgumentsPerToken = true };
        var config = new Option<FileInfo?>("--config") { Description = "HOCON file layered over the defaults (see hocon/host.conf)." };

        var serve = new Command("serve", "Run a manager host until Ctrl+C or SIGTERM.") { port, hostname, authKeyFile, assemblies, config };
        serve.SetAction(async (parse, cancellationToken) =>
        {
            byte[] key;
            try
            {
                key = ReadAuthKey(parse.GetValue(authKeyFile));
            }
            catch (InvalidOperationException e)
            {
                await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 2;
            }
            var trusted = (parse.GetValue(assemblies) ?? []).Select(f => Assembly.LoadFrom(f.FullName)).ToArray();
            var hocon = parse.GetValue(config) is { } file ? await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false) : null;
            await using var manager = await Manager.StartAsync(new ManagerOptions
            {
                Hostname = parse.GetValue(hostname)!,
                Port = parse.GetValue(port),
                AuthKey = key,
                Config = hocon,
                TrustedAssemblies = trusted,
            }, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"ManagedActors host listening at {manager.Address}");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("ManagedActors host shutting down");
            }
            return 0;
        });

        var root = new RootCommand("ManagedActors host: shared objects for other processes, as Python's multiprocessing managers.") { serve };
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }

    private static byte[] ReadAuthKey(FileInfo? file)
    {
        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new InvalidOperationException($"The authkey file {file.FullName} does not exist.");
            }
            var bytes = File.ReadAllBytes(file.FullName);
            var text = System.Text.Encoding.ASCII.GetString(bytes).Trim();
            return TryHex(text) ?? bytes;
        }
        var variable = Environment.GetEnvironmentVariable(AuthKeyVariable);
        if (!string.IsNullOrWhiteSpace(variable))
        {
            return TryHex(variable.Trim()) ?? throw new InvalidOperationException($"${AuthKeyVariable} must hold the authkey as hex.");
        }
        throw new InvalidOperationException($"Give the authkey with --authkey-file or ${AuthKeyVariable}.");
    }

    private static byte[]? TryHex(string text)
    {
        try
        {
            return text.Length >= 32 && text.Length % 2 == 0 ? Convert.FromHexString(text) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
