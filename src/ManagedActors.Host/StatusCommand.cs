using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace ManagedActors.Host;

/// <summary>
/// <c>status --address HOST:PORT</c>: what a running host holds (objects, clients, cluster members), as tables or, with
/// <c>--json</c>, as one JSON document (the schema is in docs/cli.md). Its own connection and the host's own process are
/// marked, not counted as clients. With <c>--watch</c> it refreshes every <c>--interval</c>: a live view in a terminal
/// (keys to pause, sort and quit), one JSON line per refresh otherwise.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var address = new Option<string>("--address") { Description = "The host's address (host:port or akka.mauth.tcp://managed-actors@host:port).", Required = true };
        var authKeyFile = new Option<FileInfo?>("--authkey-file") { Description = $"File holding the authkey as hex (or raw bytes); else ${Keys.AuthKeyVariable} (hex)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document (schema in docs/cli.md) instead of tables." };
        var watch = new Option<bool>("--watch") { Description = "Refresh until quit: a live view in a terminal (p pause, s sort, q quit), JSON lines otherwise." };
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes with --watch.", DefaultValueFactory = _ => 1 };
        var count = new Option<int>("--count") { Description = "With --watch, stop after this many refreshes (0: until quit)." };
        var status = new Command("status", "Print a running host's objects, clients and cluster members.") { address, authKeyFile, json, watch, interval, count };
        status.SetAction(async (parse, cancellationToken) =>
        {
            var key = Keys.ReadAuthKey(parse.GetValue(authKeyFile));
            if (key is null)
            {
                return 2;
            }
            if (parse.GetValue(watch) && (parse.GetValue(interval) is not (>= 0.05 and <= 3600) || parse.GetValue(count) < 0))
            {
                await Console.Error.WriteLineAsync("--interval must be between 0.05 and 3600 seconds, and --count 0 or more.").ConfigureAwait(false);
                return 2;
            }
            HostStatus report;
            try
            {
                await using var client = await Manager.ConnectAsync(parse.GetValue(address)!, key, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(watch))
                {
                    await WatchAsync(client, TimeSpan.FromSeconds(parse.GetValue(interval)), parse.GetValue(count), cancellationToken).ConfigureAwait(false);
                    return 0;
                }
                report = await client.StatusAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ManagedActorsException or ArgumentException or TimeoutException or FormatException)
            {
                await Console.Error.WriteLineAsync($"{e.GetType().Name}: {e.Message}").ConfigureAwait(false);
                return e is ArgumentException or FormatException ? 2 : 1;
            }
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(StatusDocument.Of(report), CliJson.Options));
            }
            else
            {
                Print(report);
            }
            return 0;
        });
        return status;
    }

    /// <summary>Refreshes until quit (a key, Ctrl+C) or <paramref name="count"/> refreshes: a live view in a terminal, JSON lines otherwise.</summary>
    private static async Task WatchAsync(ManagerClient client, TimeSpan interval, int count, CancellationToken cancellationToken)
    {
        var watch = new StatusWatch(interval);
        var refreshes = 0;
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            while (!cancellationToken.IsCancellationRequested && (count == 0 || refreshes < count))
            {
                watch.Update(await client.StatusAsync(cancellationToken).ConfigureAwait(false), DateTimeOffset.UtcNow);
                Console.WriteLine(JsonSerializer.Serialize(watch.Line(), CliJson.Options));
                if (++refreshes < count || count == 0)
                {
                    await Delay(interval, cancellationToken).ConfigureAwait(false);
                }
            }
            return;
        }
        await AnsiConsole.Live(watch.Render()).StartAsync(async live =>
        {
            var next = DateTimeOffset.MinValue;
            while (!cancellationToken.IsCancellationRequested)
            {
                while (!Console.IsInputRedirected && Console.KeyAvailable)
                {
                    if (watch.Apply(Console.ReadKey(intercept: true)))
                    {
                        return;
                    }
                    live.UpdateTarget(watch.Render());
                }
                if (DateTimeOffset.UtcNow >= next)
                {
                    next = DateTimeOffset.UtcNow + interval;
                    if (!watch.Paused)
                    {
                        watch.Update(await client.StatusAsync(cancellationToken).ConfigureAwait(false), DateTimeOffset.UtcNow);
                        refreshes++;
                    }
                    live.UpdateTarget(watch.Render());
                    if (count > 0 && refreshes >= count)
                    {
                        return;
                    }
                }
                // Keys are read between refreshes, a twentieth of a second apart at most.
                await Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Waits, ending early (without an exception) when the command is cancelled.</summary>
    private static Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
        Task.Delay(delay, cancellationToken).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Print(HostStatus status)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]host[/] {status.Address} (incarnation {status.Incarnation})");
        var objects = new Table().AddColumns("object", "kind", "size", "waiters", "durability", "restarts", "host");
        foreach (var o in status.Objects)
        {
            objects.AddRow(Markup.Escape(o.Name ?? o.Id + " (anonymous)"), o.Kind, Number(o.Size), Number(o.Waiters), o.Durability.ToString(), Number(o.Restarts),
                Markup.Escape(o.Host ?? ""));
        }
        AnsiConsole.MarkupLineInterpolated($"[bold]objects[/]: {status.Objects.Count}");
        AnsiConsole.Write(objects);
        var clients = status.Clients.Where(c => !c.IsCaller && !c.IsHostProcess).ToList();
        var table = new Table().AddColumns("client", "sessions");
        foreach (var c in status.Clients)
        {
            var who = c.IsCaller ? " (this status command)" : c.IsHostProcess ? " (the host's own process)" : "";
            table.AddRow(Markup.Escape(c.Address + who), Number(c.Sessions));
        }
        AnsiConsole.MarkupLineInterpolated($"[bold]clients[/]: {clients.Count}");
        AnsiConsole.Write(table);
        if (status.Members is { Count: > 0 } members)
        {
            var memberTable = new Table().AddColumns("member", "state", "reachable", "clients connect to");
            foreach (var m in members)
            {
                memberTable.AddRow(Markup.Escape(m.Address + (m.IsSelf ? " (this host)" : "")), m.State, m.Unreachable ? "no" : "yes", Markup.Escape(m.ClientAddress ?? "-"));
            }
            AnsiConsole.MarkupLineInterpolated($"[bold]cluster members[/]: {members.Count}");
            AnsiConsole.Write(memberTable);
        }
    }
}

/// <summary>The document <c>status --json</c> prints (docs/cli.md): the host's status, clients counted without the caller and the host's own process.</summary>
/// <param name="Version">The schema's version; a change that removes or renames a field raises it.</param>
/// <param name="Address">The host's address.</param>
/// <param name="Incarnation">The id of this run of the host.</param>
/// <param name="ClientCount">Connected client processes, leaving out this command and the host's own process.</param>
/// <param name="Objects">Every object.</param>
/// <param name="Clients">Every process with a session, each with its role.</param>
/// <param name="Members">The cluster's members, or null outside a cluster.</param>
internal sealed record StatusDocument(
    int Version, string Address, Guid Incarnation, int ClientCount, IReadOnlyList<ObjectStatus> Objects, IReadOnlyList<StatusClient> Clients,
    IReadOnlyList<ClusterMemberStatus>? Members)
{
    public static StatusDocument Of(HostStatus status) => new(
        1, status.Address, status.Incarnation, status.Clients.Count(c => !c.IsCaller && !c.IsHostProcess), status.Objects,
        [.. status.Clients.Select(c => new StatusClient(c.Address, c.Sessions, c.IsCaller ? "caller" : c.IsHostProcess ? "host" : "client"))],
        status.Members is { Count: > 0 } members ? members : null);
}

/// <summary>One process with a session on the host, in <c>status --json</c>.</summary>
/// <param name="Address">Its address ("local" for the host's own process).</param>
/// <param name="Sessions">Its open sessions.</param>
/// <param name="Role">"client", "caller" (the status command itself) or "host" (the host's own process).</param>
internal sealed record StatusClient(string Address, int Sessions, string Role);
