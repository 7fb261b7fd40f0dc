using System.Collections.Concurrent;
using Akka.Actor;

namespace ManagedActors.Sessions;

/// <summary>The sessions a host has admitted; object actors check every call's token here.</summary>
internal sealed class SessionTable
{
    private readonly ConcurrentDictionary<Guid, IActorRef> _sessions = new();
    private readonly ConcurrentDictionary<Guid, Guid> _clients = new();
    private readonly ConcurrentDictionary<Guid, IActorRef> _lanes = new();

    /// <summary>Opens a session for the client whose reply actor is <paramref name="replyTo"/>; its token.</summary>
    /// <param name="replyTo">Where the session's answers go.</param>
    /// <param name="client">The client's own id, the same on each session it opens (a local client has none: the token is used).</param>
    public Guid Open(IActorRef replyTo, Guid? client = null)
    {
        var token = Guid.NewGuid();
        _clients[token] = client ?? token;
        _sessions[token] = replyTo;
        return token;
    }

    /// <summary>
    /// The id of the client that opened <paramref name="session"/>: the key under which objects remember its calls
    /// across reconnections. <see cref="Guid.Empty"/> for a session that is not open.
    /// </summary>
    public Guid ClientOf(Guid session) => _clients.TryGetValue(session, out var client) ? client : Guid.Empty;

    /// <summary>
    /// Binds an open session's direct-lane connection (its reply target), which from then on may call for it too;
    /// false when the session is unknown or has a lane already (a token is good for one connection).
    /// </summary>
    public bool BindLane(Guid session, IActorRef laneTarget)
    {
        if (!_sessions.ContainsKey(session) || !_lanes.TryAdd(session, laneTarget))
        {
            return false;
        }
        if (_sessions.ContainsKey(session))
        {
            return true;
        }
        // Closed meanwhile.
        _lanes.TryRemove(session, out _);
        return false;
    }

    public bool IsValid(Guid session) => _sessions.ContainsKey(session);

    /// <summary>How many sessions are open (the host's own included).</summary>
    public int Count => _sessions.Count;

    /// <summary>Whether the session has a direct lane bound (whose own heartbeat tells its client the host is alive).</summary>
    public bool HasLane(Guid session) => _lanes.ContainsKey(session);

    /// <summary>Whether the client <paramref name="client"/> has a session open here.</summary>
    public bool HasClient(Guid client) => _clients.Values.Contains(client);

    /// <summary>The reply endpoint that did <paramref name="session"/>'s handshake; null when the session is not open.</summary>
    public IActorRef? ReplyToOf(Guid session) => _sessions.TryGetValue(session, out var replyTo) ? replyTo : null;

    /// <summary>
    /// Whether <paramref name="session"/> is open and <paramref name="sender"/> is the reply endpoint that did its
    /// handshake: a token is bound to its connection, so one seen elsewhere is worth nothing.
    /// </summary>
    public bool IsValidFor(Guid session, IActorRef sender) =>
        _sessions.TryGetValue(session, out var replyTo)
        && (replyTo.Path.Equals(sender.Path) || (_lanes.TryGetValue(session, out var lane) && ReferenceEquals(lane, sender)));

    public bool Close(Guid session)
    {
        _lanes.TryRemove(session, out _);
        var closed = _sessions.TryRemove(session, out _);
        _clients.TryRemove(session, out _);
        return closed;
    }

    /// <summary>Drops every session whose reply actor is <paramref name="replyTo"/> (its process died or left); their tokens.</summary>
    public IReadOnlyList<Guid> CloseAll(IActorRef replyTo)
    {
        var closed = new List<Guid>();
        foreach (var pair in _sessions)
        {
            if (pair.Value.Equals(replyTo) && Close(pair.Key))
            {
                closed.Add(pair.Key);
            }
        }
        return closed;
    }

    /// <summary>Drops every session of the client process at <paramref name="address"/>; their tokens.</summary>
    public IReadOnlyList<Guid> CloseAllAt(Address address)
    {
        var closed = new List<Guid>();
        foreach (var pair in _sessions)
        {
            if (pair.Value.Path.Address.Equals(address) && Close(pair.Key))
            {
                closed.Add(pair.Key);
            }
        }
        return closed;
    }

    /// <summary>Names a session's client for error messages: its address, or "this process".</summary>
    public string Describe(Guid session) =>
        _sessions.TryGetValue(session, out var replyTo)
            ? (replyTo.Path.Address.HasLocalScope ? "a client in the host's process" : "the client at " + replyTo.Path.Address)
            : "a client that is gone";

    /// <summary>The address of <paramref name="session"/>'s client as <see cref="Clients"/> names it ("local" for the host's own process); null when it is gone.</summary>
    public string? AddressOf(Guid session, string hostAddress) => _sessions.TryGetValue(session, out var replyTo)
        ? replyTo.Path.Address.HasLocalScope || replyTo.Path.Address.ToString() == hostAddress ? ClientStatus.Local : replyTo.Path.Address.ToString()
        : null;

    public IReadOnlyList<(Guid Session, IActorRef ReplyTo)> All() => _sessions.Select(p => (p.Key, p.Value)).ToArray();

    /// <summary>The connected client processes: reply endpoints grouped by address, the host's own as "local".</summary>
    public IReadOnlyList<ClientStatus> Clients(string hostAddress) => _sessions.Values
        .GroupBy(replyTo => replyTo.Path.Address.HasLocalScope || replyTo.Path.Address.ToString() == hostAddress ? ClientStatus.Local : replyTo.Path.Address.ToString())
        .Select(g => new ClientStatus(g.Key, g.Count()))
        .OrderBy(c => c.Address, StringComparer.Ordinal)
        .ToList();
}
