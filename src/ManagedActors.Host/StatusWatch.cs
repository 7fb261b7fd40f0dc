using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ManagedActors.Host;

/// <summary>
/// The state of <c>status --watch</c>: the last report, each object's calls per second (from the calls two reports
/// apart), whether it is paused and what the objects are sorted by; the keys that change them; and what it shows, a
/// Spectre view for a terminal or one JSON line per refresh.
/// </summary>
internal sealed class StatusWatch(TimeSpan interval)
{
    /// <summary>What the objects are sorted by; <c>s</c> moves to the next.</summary>
    public enum Order
    {
        CallRate,
        Name,
        Kind,
        Size,
    }

    private Dictionary<string, long> _calls = new(StringComparer.Ordinal);
    private DateTimeOffset _at;

    public HostStatus? Current { get; private set; }

    /// <summary>Each object's calls per second over the last interval, by its key (host and id); absent before its second report.</summary>
    public Dictionary<string, double> Rates { get; private set; } = new(StringComparer.Ordinal);

    public DateTimeOffset At => _at;

    public bool Paused { get; private set; }

    public Order SortBy { get; private set; }

    /// <summary>Takes a new report, read at <paramref name="at"/>.</summary>
    public void Update(HostStatus status, DateTimeOffset at)
    {
        var seconds = (at - _at).TotalSeconds;
        var calls = status.Objects.ToDictionary(Key, o => o.Calls, StringComparer.Ordinal);
        Rates = calls
            .Where(c => Current is not null && seconds > 0 && _calls.ContainsKey(c.Key))
            .ToDictionary(c => c.Key, c => Math.Max(0, c.Value - _calls[c.Key]) / seconds, StringComparer.Ordinal);
        (_calls, _at, Current) = (calls, at, status);
    }

    /// <summary>Applies a key: <c>p</c> pauses or resumes, <c>s</c> sorts by the next column, <c>q</c> (or Escape) quits; true to quit.</summary>
    public bool Apply(ConsoleKeyInfo key)
    {
        switch (char.ToLowerInvariant(key.KeyChar))
        {
            case 'q':
                return true;
            case 'p':
                Paused = !Paused;
                return false;
            case 's':
                SortBy = (Order)(((int)SortBy + 1) % Enum.GetValues<Order>().Length);
                return false;
            default:
                return key.Key == ConsoleKey.Escape;
        }
    }

    /// <summary>The objects in the chosen order.</summary>
    public IReadOnlyList<ObjectStatus> Objects()
    {
        var objects = Current?.Objects ?? [];
        return SortBy switch
        {
            Order.Name => [.. objects.OrderBy(o => o.Name ?? "~" + o.Id, StringComparer.Ordinal)],
            Order.Kind => [.. objects.OrderBy(o => o.Kind, StringComparer.Ordinal).ThenBy(o => o.Name ?? o.Id, StringComparer.Ordinal)],
            Order.Size => [.. objects.OrderByDescending(o => o.Size).ThenBy(o => o.Name ?? o.Id, StringComparer.Ordinal)],
            _ => [.. objects.OrderByDescending(Rate).ThenBy(o => o.Name ?? o.Id, StringComparer.Ordinal)],
        };
    }

    public double Rate(ObjectStatus o) => Rates.GetValueOrDefault(Key(o));

    /// <summary>The terminal view: the objects, the processes, the cluster's members, and a line of keys.</summary>
    public IRenderable Render()
    {
        var rows = new List<IRenderable>();
        var status = Current;
        rows.Add(new Markup(status is null ? "[grey]waiting for the first report...[/]"
            : $"[bold]host[/] {Markup.Escape(status.Address)}   [bold]objects[/] {status.Objects.Count}   [bold]sessions[/] {status.Clients.Sum(c => c.Sessions)}   " +
              $"[bold]calls/s[/] {Rates.Values.Sum().ToString("N0", CultureInfo.InvariantCulture)}"));
        // Which host runs an object matters in a cluster only; off one, every object is the reporting host's.
        var clustered = status?.Members is { Count: > 0 };
        var objects = new Table().Expand().AddColumns("object", "kind", "size", "waiters", "holder", "calls/s", "durability", "restarts");
        if (clustered)
        {
            objects.AddColumn("host");
        }
        foreach (var o in Objects())
        {
            string[] cells =
            [
                Markup.Escape(o.Name ?? o.Id + " (anonymous)"), Markup.Escape(o.Kind), Number(o.Size), Number(o.Waiters), Markup.Escape(o.Holder ?? ""),
                Rates.TryGetValue(Key(o), out var rate) ? rate.ToString("N0", CultureInfo.InvariantCulture) : "-", o.Durability.ToString(), Number(o.Restarts),
            ];
            objects.AddRow(clustered ? [.. cells, Markup.Escape(o.Host ?? "")] : cells);
        }
        rows.Add(objects);
        var clients = new Table().AddColumns("client", "sessions");
        foreach (var c in status?.Clients ?? [])
        {
            clients.AddRow(Markup.Escape(c.Address + (c.IsCaller ? " (this view)" : c.IsHostProcess ? " (the host's own process)" : "")), Number(c.Sessions));
        }
        rows.Add(clients);
        if (status?.Members is { Count: > 0 } members)
        {
            var table = new Table().AddColumns("member", "state", "reachable", "clients connect to");
            foreach (var m in members)
            {
                table.AddRow(Markup.Escape(m.Address + (m.IsSelf ? " (this host)" : "")), m.State, m.Unreachable ? "[red]no[/]" : "yes", Markup.Escape(m.ClientAddress ?? "-"));
            }
            rows.Add(table);
        }
        var state = Paused ? "[yellow]paused[/]" : $"every {interval.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture)} s";
        rows.Add(new Markup($"[grey]{(status is null ? "" : _at.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) + ", ")}{state}, " +
            $"sorted by {SortName}   keys: p pause/resume · s sort · q quit[/]"));
        return new Rows(rows);
    }

    /// <summary>The line written per refresh when there is no terminal.</summary>
    public WatchLine Line() => new(1, _at, StatusDocument.Of(Current!), Rates.ToDictionary(r => r.Key, r => Math.Round(r.Value, 1), StringComparer.Ordinal));

    private string SortName => SortBy switch
    {
        Order.CallRate => "calls/s",
        _ => SortBy.ToString().ToLowerInvariant(),
    };

    /// <summary>An object's key across reports: its id, and in a cluster its host.</summary>
    public static string Key(ObjectStatus o) => o.Host is null ? o.Id : o.Id + "@" + o.Host;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One refresh of <c>status --watch</c> without a terminal (docs/cli.md).</summary>
/// <param name="Version">The schema's version.</param>
/// <param name="Time">When the report was read.</param>
/// <param name="Status">The report, as <c>status --json</c> prints it.</param>
/// <param name="CallsPerSecond">Each object's calls per second since the previous line, by id (<c>id@host</c>); absent on its first line.</param>
internal sealed record WatchLine(int Version, DateTimeOffset Time, StatusDocument Status, IReadOnlyDictionary<string, double> CallsPerSecond);
