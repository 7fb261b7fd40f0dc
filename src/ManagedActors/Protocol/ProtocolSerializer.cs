using System.Diagnostics;
using Akka.Actor;
using Akka.Serialization;
using ManagedActors.Codec;

namespace ManagedActors.Protocol;

/// <summary>
/// The wire format of the protocol messages: a few bytes of framing around payloads that the value codec has
/// already encoded, so the hot path never reflects and never goes through a general-purpose serializer.
/// </summary>
internal sealed class ProtocolSerializer : ManifestSerializer
{
    public ProtocolSerializer(ExtendedActorSystem system) : base(system, "ManagedActors protocol message")
    {
        Add<Calls>("C", WriteCalls, static (ref WireReader r) => ReadCalls(ref r, resent: false), static c => !c.Resent);
        Add<Calls>("CR", WriteCalls, static (ref WireReader r) => ReadCalls(ref r, resent: true), static c => c.Resent);
        Add<Results>("R", static (w, results) => WriteResultItems(w, results.Items), static (ref WireReader r) => ReadResultItems(ref r));
        Add<CancelCall>("X", static (w, cancel) =>
        {
            w.WriteGuid(cancel.Session);
            w.WriteVarInt(cancel.CallId);
        }, static (ref WireReader r) => new CancelCall(r.ReadGuid(), r.ReadVarInt()));
        Add<Hello>("H", static (w, hello) => w.WriteString(Serialization.SerializedActorPath(hello.ReplyTo)),
            (ref WireReader r) => new Hello(ResolveRef(ref r)));
        Add<Challenge>("CH", static (w, challenge) =>
        {
            w.WriteBytes(challenge.Nonce);
            w.WriteGuid(challenge.Incarnation);
        }, static (ref WireReader r) => new Challenge(r.ReadBytes(), r.ReadGuid()));
        Add<Proof>("P", static (w, proof) =>
        {
            w.WriteString(Serialization.SerializedActorPath(proof.ReplyTo));
            w.WriteBytes(proof.Nonce);
            w.WriteBytes(proof.Mac);
            w.WriteGuid(proof.Client);
        }, (ref WireReader r) => new Proof(ResolveRef(ref r), r.ReadBytes(), r.ReadBytes(), r.ReadGuid()));
        Add<Welcome>("W", WriteWelcome, static (ref WireReader r) => ReadWelcome(ref r));
        Add<AccessDenied>("D", static (w, denied) => w.WriteString(denied.Reason), static (ref WireReader r) => new AccessDenied(r.ReadString() ?? ""));
        Add<HostShutdown>("S", static (w, shutdown) =>
        {
            w.WriteGuid(shutdown.Incarnation);
            w.WriteGuid(shutdown.Session);
        }, static (ref WireReader r) => new HostShutdown(r.ReadGuid(), r.ReadGuid()));
        Add<HostBeat>("B", static (w, beat) => w.WriteGuid(beat.Session), static (ref WireReader r) => new HostBeat(r.ReadGuid()));
        Add<Goodbye>("G", static (w, goodbye) => w.WriteGuid(goodbye.Session), static (ref WireReader r) => new Goodbye(r.ReadGuid()));
    }

    private static void WriteCalls(WireWriter w, Calls calls)
    {
        w.WriteGuid(calls.Session);
        WriteCallItems(w, calls.Items, 0, calls.Items.Length);
    }

    private static Calls ReadCalls(ref WireReader r, bool resent) => new(r.ReadGuid(), ReadCallItems(ref r), resent);

    /// <summary>
    /// A count and the calls: the body of a Calls message and of a lane's calls frame. A call made inside a trace sets
    /// bit 32 of its method id and carries its trace context after it (<see cref="WriteTrace"/>); one outside any costs
    /// nothing, and a reader of the format without traces never meets the bit (a method id is 32 bits).
    /// </summary>
    public static void WriteCallItems(WireWriter w, IReadOnlyList<CallRequest> calls, int from, int count)
    {
        w.WriteVarUInt((ulong)count);
        for (var i = from; i < from + count; i++)
        {
            var call = calls[i];
            w.WriteVarInt(call.CallId);
            if (call.Trace.TraceId == default)
            {
                w.WriteVarUInt((uint)call.MethodId);
            }
            else
            {
                w.WriteVarUInt((uint)call.MethodId | Traced);
                WriteTrace(w, call.Trace);
            }
            w.WriteBytes(call.Args);
        }
    }

    public static CallRequest[] ReadCallItems(ref WireReader r)
    {
        var items = new CallRequest[r.ReadCount()];
        for (var i = 0; i < items.Length; i++)
        {
            var callId = r.ReadVarInt();
            var rawId = r.ReadVarUInt();
            var trace = (rawId & Traced) != 0 ? ReadTrace(ref r) : default;
            rawId &= ~Traced;
            // An id no interface has is the object's to refuse (UnknownMethodException), not a reason to drop the batch.
            var methodId = rawId > uint.MaxValue ? CallRequest.NoMethod : unchecked((int)(uint)rawId);
            items[i] = new CallRequest(callId, methodId, r.ReadBytes(), trace);
        }
        return items;
    }

    /// <summary>The bit of a call's method id that says a trace context follows.</summary>
    private const ulong Traced = 1UL << 32;

    /// <summary>The longest <c>tracestate</c> carried (W3C's limit is 32 entries of at most 256 characters; 512 is what propagators keep).</summary>
    public const int MaxTraceState = 512;

    /// <summary>A trace context: the trace id (16 bytes), the parent span id (8), the flags (1), and the trace state (a string, or null).</summary>
    private static void WriteTrace(WireWriter w, ActivityContext trace)
    {
        Span<byte> ids = stackalloc byte[24];
        trace.TraceId.CopyTo(ids[..16]);
        trace.SpanId.CopyTo(ids[16..]);
        w.WriteFixed(ids);
        w.WriteByte((byte)trace.TraceFlags);
        w.WriteString(trace.TraceState is { Length: > 0 and <= MaxTraceState } state ? state : null);
    }

    /// <exception cref="FormatException">The context is truncated, its ids are zero, or its state is too long.</exception>
    private static ActivityContext ReadTrace(ref WireReader r)
    {
        var traceId = r.ReadFixed(16);
        var spanId = r.ReadFixed(8);
        if (traceId.IndexOfAnyExcept((byte)0) < 0 || spanId.IndexOfAnyExcept((byte)0) < 0)
        {
            throw new FormatException("A call's trace context has a zero id.");
        }
        var trace = ActivityTraceId.CreateFromBytes(traceId);
        var span = ActivitySpanId.CreateFromBytes(spanId);
        var flags = (ActivityTraceFlags)(r.ReadByte() & (byte)ActivityTraceFlags.Recorded);
        var state = r.ReadString();
        if (state is { Length: > MaxTraceState })
        {
            throw new FormatException($"A call's trace state is over {MaxTraceState} characters.");
        }
        return new ActivityContext(trace, span, flags, state, isRemote: true);
    }

    /// <summary>A count and the results: the body of a Results message and of a lane's results frame.</summary>
    public static void WriteResultItems(WireWriter w, CallResult[] results)
    {
        w.WriteVarUInt((ulong)results.Length);
        foreach (var item in results)
        {
            w.WriteVarInt(item.CallId);
            w.WriteByte(item.IsFault ? (byte)1 : (byte)0);
            w.WriteBytes(item.Payload);
        }
    }

    public static Results ReadResultItems(ref WireReader r)
    {
        var items = new CallResult[r.ReadCount()];
        for (var i = 0; i < items.Length; i++)
        {
            var callId = r.ReadVarInt();
            var isFault = r.ReadByte() != 0;
            items[i] = new CallResult(callId, isFault, r.ReadBytes());
        }
        return new Results(items);
    }

    private static void WriteWelcome(WireWriter w, Welcome welcome)
    {
        w.WriteGuid(welcome.Session);
        w.WriteGuid(welcome.Incarnation);
        w.WriteVarUInt((uint)welcome.LanePort);
        w.WriteByte(welcome.LaneTls ? (byte)1 : (byte)0);
        w.WriteVarUInt((ulong)(welcome.Contacts?.Length ?? 0));
        foreach (var contact in welcome.Contacts ?? [])
        {
            w.WriteString(contact);
        }
    }

    private static Welcome ReadWelcome(ref WireReader r)
    {
        var session = r.ReadGuid();
        var incarnation = r.ReadGuid();
        var port = r.ReadVarUInt();
        if (port > ushort.MaxValue)
        {
            throw new FormatException($"Port {port} is out of range.");
        }
        var tls = r.ReadByte() != 0;
        var contacts = new string[r.ReadCount()];
        for (var i = 0; i < contacts.Length; i++)
        {
            contacts[i] = r.ReadRequiredString();
        }
        return new Welcome(session, incarnation, (int)port, tls, contacts);
    }

    private IActorRef ResolveRef(ref WireReader r) => system.Provider.ResolveActorRef(r.ReadRequiredString());
}
