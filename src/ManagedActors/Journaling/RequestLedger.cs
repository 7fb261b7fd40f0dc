using ManagedActors.Codec;
using ManagedActors.Protocol;
using ManagedActors.Runtime;

namespace ManagedActors.Journaling;

/// <summary>
/// What a journaled object remembers of the calls that changed it, per client: the ids and answers of each client's
/// latest changing calls (bounded per client and in clients). A call resent after a lost connection is looked up
/// here: one the object ran gets its first answer and does not run again; one it never saw runs; one whose record
/// was let go (too many calls or clients since) fails with <see cref="CallOutcomeUnknownException"/> rather than
/// run twice. The ledger is rebuilt by replaying the journal (a replayed call answers as it did) and travels in
/// snapshots, so it survives restarts of the object and of its host.
/// </summary>
internal sealed class RequestLedger(int perClient, int maxClients) : IAnswerLedger
{
    private readonly Dictionary<Guid, ClientCalls> _clients = [];
    private long _clock;
    private bool _forgotClients;

    /// <summary>Records the answers of the changing calls of a batch (<paramref name="mutations"/>, in the order they ran).</summary>
    public void Record(Guid client, List<CallResult> results, IReadOnlyList<CallRequest> mutations)
    {
        var calls = For(client);
        var next = 0;
        foreach (var result in results)
        {
            // A changing call that parked has no answer yet (it is recorded when answered): the others keep their order.
            while (next < mutations.Count && result.CallId != mutations[next].CallId && !Answers(results, mutations[next].CallId))
            {
                next++;
            }
            if (next < mutations.Count && result.CallId == mutations[next].CallId)
            {
                calls.Add(result);
                next++;
            }
        }
    }

    /// <inheritdoc />
    public void Record(Guid client, CallResult result) => For(client).Add(result);

    private static bool Answers(List<CallResult> results, long callId)
    {
        foreach (var result in results)
        {
            if (result.CallId == callId)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The answer to a call the object may have run: its first answer; for a <paramref name="resent"/> call, a
    /// <see cref="CallOutcomeUnknownException"/> fault when it may have run but is no longer remembered. False when the
    /// object never ran it (it runs now).
    /// </summary>
    public bool TryAnswer(Guid client, long callId, bool resent, string objectName, out CallResult? answer)
    {
        answer = null;
        if (!_clients.TryGetValue(client, out var calls))
        {
            if (resent && _forgotClients)
            {
                answer = Unknown(callId, $"{objectName} no longer remembers the calls of this client (more than {maxClients} clients changed it since)");
            }
            return answer is not null;
        }
        if (calls.Find(callId) is { } first)
        {
            answer = first;
        }
        else if (resent && callId <= calls.ForgottenMax)
        {
            answer = Unknown(callId, $"{objectName} no longer remembers this call (it keeps the last {perClient} of each client)");
        }
        return answer is not null;
    }

    /// <summary>The ledger as snapshot bytes.</summary>
    public byte[] Encode()
    {
        using var w = new WireWriter();
        w.WriteByte(_forgotClients ? (byte)1 : (byte)0);
        w.WriteVarUInt((ulong)_clients.Count);
        foreach (var (client, calls) in _clients.OrderBy(p => p.Value.LastUse))
        {
            w.WriteGuid(client);
            w.WriteVarInt(calls.ForgottenMax);
            var kept = calls.Oldest().ToList();
            w.WriteVarUInt((ulong)kept.Count);
            foreach (var result in kept)
            {
                w.WriteVarInt(result.CallId);
                w.WriteByte(result.IsFault ? (byte)1 : (byte)0);
                w.WriteBytes(result.Payload);
            }
        }
        return w.ToArray();
    }

    /// <summary>Restores a ledger from snapshot bytes, replacing what it held.</summary>
    /// <exception cref="FormatException">The bytes are not a ledger (or hold more than this host keeps).</exception>
    public void Restore(byte[] bytes)
    {
        _clients.Clear();
        var r = new WireReader(bytes);
        _forgotClients = r.ReadByte() != 0;
        var clients = r.ReadCount();
        for (var i = 0; i < clients; i++)
        {
            var calls = For(r.ReadGuid());
            calls.ForgottenMax = r.ReadVarInt();
            var kept = r.ReadCount();
            for (var j = 0; j < kept; j++)
            {
                calls.Add(new CallResult(r.ReadVarInt(), r.ReadByte() != 0, r.ReadBytes()));
            }
        }
        if (!r.AtEnd)
        {
            throw new FormatException("Trailing bytes after the ledger.");
        }
    }

    private ClientCalls For(Guid client)
    {
        if (!_clients.TryGetValue(client, out var calls))
        {
            if (_clients.Count >= maxClients)
            {
                // The client heard from least recently goes; a later resend from it is answered as unknown.
                _clients.Remove(_clients.MinBy(p => p.Value.LastUse).Key);
                _forgotClients = true;
            }
            _clients[client] = calls = new ClientCalls(perClient);
        }
        calls.LastUse = ++_clock;
        return calls;
    }

    private static CallResult Unknown(long callId, string why) => new(callId, true, FaultInfo.From(new CallOutcomeUnknownException(
        $"The call was resent after a lost connection and {why}: it may have taken effect, so it was not run again.")).Encode());

    /// <summary>One client's latest changing calls: a ring of their answers.</summary>
    private sealed class ClientCalls(int capacity)
    {
        private readonly CallResult[] _ring = new CallResult[capacity];
        private int _next;
        private int _count;

        public long LastUse { get; set; }

        /// <summary>The largest id let go from the ring: a resent call up to it may have run.</summary>
        public long ForgottenMax { get; set; } = long.MinValue;

        public void Add(CallResult result)
        {
            if (_count == _ring.Length)
            {
                ForgottenMax = Math.Max(ForgottenMax, _ring[_next].CallId);
            }
            else
            {
                _count++;
            }
            _ring[_next] = result;
            _next = (_next + 1) % _ring.Length;
        }

        public CallResult? Find(long callId)
        {
            for (var i = 0; i < _count; i++)
            {
                if (_ring[i].CallId == callId)
                {
                    return _ring[i];
                }
            }
            return null;
        }

        public IEnumerable<CallResult> Oldest()
        {
            for (var i = 0; i < _count; i++)
            {
                yield return _ring[(_next - _count + i + _ring.Length) % _ring.Length];
            }
        }
    }
}
