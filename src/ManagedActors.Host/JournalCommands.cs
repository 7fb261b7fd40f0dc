using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace ManagedActors.Host;

/// <summary>
/// <c>journal list|show|delete</c>: a durable store read (or an object deleted from it) without a host and without
/// the assemblies of the objects it holds.
/// </summary>
internal static class JournalCommands
{
    public static Command Create()
    {
        var store = new Option<string>("--store") { Description = "The durable store: a SQLite file, or a PostgreSQL connection string (as serve --durable).", Required = true };
        var name = new Argument<string>("name") { Description = "The object's name (or its persistence id, as list shows it)." };
        var kind = new Option<string?>("--kind") { Description = "The object's kind, when objects of several kinds have the name." };

        var list = new Command("list", "List the objects a journal holds, with their events and snapshots (no host, no assemblies needed).") { store };
        list.SetAction((parse, cancellationToken) => Run(async () =>
        {
            Print(await JournalInspector.ListAsync(parse.GetValue(store)!, cancellationToken).ConfigureAwait(false));
            return 0;
        }));

        var show = new Command("show", "Print one object's latest snapshot and its events as JSON lines, decoded without its assemblies.") { store, name, kind };
        show.SetAction((parse, cancellationToken) => Run(async () =>
        {
            var target = await FindAsync(parse.GetValue(store)!, parse.GetValue(name)!, parse.GetValue(kind), cancellationToken).ConfigureAwait(false);
            if (target is null)
            {
                return 2;
            }
            await foreach (var record in JournalInspector.ShowAsync(parse.GetValue(store)!, target.PersistenceId, cancellationToken).ConfigureAwait(false))
            {
                Console.WriteLine(record.Json);
            }
            return 0;
        }));

        var assemblies = new Option<FileInfo[]>("--assembly")
        {
            Description = "Assembly of the object's registered type and of the values it stores (repeatable, as serve --assembly).",
            AllowMultipleArgumentsPerToken = true,
        };
        var compact = new Command("compact", "Snapshot one object now and delete its events before the snapshot, on a store no host is using.") { store, name, kind, assemblies };
        compact.SetAction((parse, cancellationToken) => Run(() =>
            CompactAsync(parse.GetValue(store)!, parse.GetValue(name)!, parse.GetValue(kind), parse.GetValue(assemblies) ?? [], cancellationToken)));

        var yes = new Option<bool>("--yes") { Description = "Delete without asking." };
        var delete = new Command("delete", "Delete one object's events and snapshots from a store no host is using.") { store, name, kind, yes };
        delete.SetAction((parse, cancellationToken) => Run(() =>
            DeleteAsync(parse.GetValue(store)!, parse.GetValue(name)!, parse.GetValue(kind), parse.GetValue(yes), cancellationToken)));

        return new Command("journal", "Read a durable store's journal, compact an object's, or delete an object from it.") { list, show, compact, delete };
    }

    /// <summary>Runs a command, a store that cannot be read being exit code 2 with its reason.</summary>
    private static async Task<int> Run(Func<Task<int>> command)
    {
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or Npgsql.NpgsqlException or BadImageFormatException)
        {
            await Console.Error.WriteLineAsync($"{e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    /// <summary>The one object <paramref name="name"/> (and <paramref name="kind"/>) names; null, said why, when none or several do.</summary>
    private static async Task<JournaledObjectInfo?> FindAsync(string store, string name, string? kind, CancellationToken cancellationToken)
    {
        var found = (await JournalInspector.ListAsync(store, cancellationToken).ConfigureAwait(false))
            .Where(o => (o.Name == name || o.PersistenceId == name) && (kind is null || o.Kind == kind)).ToList();
        if (found.Count == 1)
        {
            return found[0];
        }
        await Console.Error.WriteLineAsync(found.Count == 0
            ? $"No object '{name}'{(kind is null ? "" : " of kind " + kind)} is in the journal (journal list shows what is)."
            : $"Objects of several kinds are named '{name}' ({string.Join(", ", found.Select(o => o.Kind))}): say which with --kind.").ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Compacts the object <paramref name="name"/> names: a host of this process on the store (serving nobody else)
    /// brings the object back, snapshots it and deletes the events up to the snapshot.
    /// </summary>
    private static async Task<int> CompactAsync(string store, string name, string? kind, FileInfo[] assemblies, CancellationToken cancellationToken)
    {
        if (await FindAsync(store, name, kind, cancellationToken).ConfigureAwait(false) is not { } target)
        {
            return 2;
        }
        if (target.Name is null)
        {
            await Console.Error.WriteLineAsync("An anonymous object has no name to be found by: only named objects are compacted.").ConfigureAwait(false);
            return 2;
        }
        var options = new ManagerOptions { DurableStore = store, Config = "akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING" };
        foreach (var assembly in assemblies.Select(f => System.Reflection.Assembly.LoadFrom(f.FullName)))
        {
            options = options.RegisterFromAssembly(assembly);
        }
        long at;
        try
        {
            await using var host = await Manager.StartAsync(options, cancellationToken).ConfigureAwait(false);
            at = await host.CompactAsync(target.Name, target.Kind, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ManagedActorsException or InvalidOperationException or NotSupportedException)
        {
            await Console.Error.WriteLineAsync($"{e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        var after = (await JournalInspector.ListAsync(store, cancellationToken).ConfigureAwait(false)).FirstOrDefault(o => o.PersistenceId == target.PersistenceId);
        Console.WriteLine($"Compacted {target.Kind} '{target.Name}': a snapshot at event {Long(at)}; {Long(target.Events)} events before, {Long(after?.Events ?? 0)} now.");
        return 0;
    }

    /// <summary>Deletes the object <paramref name="name"/> names, once confirmed (the name typed again, or <c>--yes</c>).</summary>
    private static async Task<int> DeleteAsync(string store, string name, string? kind, bool yes, CancellationToken cancellationToken)
    {
        var target = await FindAsync(store, name, kind, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            return 2;
        }
        if (!yes)
        {
            Console.Write($"Delete {target.Kind} '{target.Name ?? target.PersistenceId}' ({Long(target.Events)} events) for good? Type its name to confirm: ");
            if (await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false) is not { } typed || typed.Trim() != (target.Name ?? target.PersistenceId))
            {
                Console.WriteLine("Nothing was deleted.");
                return 1;
            }
        }
        var (events, snapshots) = await JournalInspector.DeleteAsync(store, target.PersistenceId, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"Deleted {target.Kind} '{target.Name ?? target.PersistenceId}': {Long(events)} events, {Long(snapshots)} snapshots.");
        return 0;
    }

    private static void Print(IReadOnlyList<JournaledObjectInfo> objects)
    {
        var table = new Table().AddColumns("object", "kind", "events", "bytes", "last event", "snapshot at");
        foreach (var o in objects)
        {
            table.AddRow(Markup.Escape(o.Name ?? o.PersistenceId + " (anonymous)"), Markup.Escape(o.Kind), Long(o.Events), Long(o.Bytes), Long(o.LastSequenceNr),
                o.SnapshotSequenceNr is { } at ? Long(at) : "-");
        }
        AnsiConsole.MarkupLineInterpolated($"[bold]objects[/]: {objects.Count}");
        AnsiConsole.Write(table);
    }

    private static string Long(long value) => value.ToString(CultureInfo.InvariantCulture);
}
