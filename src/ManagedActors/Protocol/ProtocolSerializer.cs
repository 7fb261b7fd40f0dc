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

    /// <summary>A count and the calls: the body of a Calls message, of a lane's calls frame and of a journaled batch.</summary>
    public static void WriteCallItems(WireWriter w, IReadOnlyList<CallRequest> calls, int from, int count)
    {
        w.WriteVarUInt((ulong)count);
        for (var i = from; i < from + count; i++)
        {
            var call = calls[i];
            w.WriteVarInt(call.CallId);
            w.WriteVarUInt((uint)call.MethodId);
            w.WriteBytes(call.Args);
        }
    }

    public static CallRequest[] ReadCallItems(ref WireReader r)
    {
        var items = new CallRequest[r.ReadCount()];
        for (var i = 0; i < items.Length; i++)
        {
            var callId = r.ReadVarInt();
            // An id no interface has is the object's to refuse (UnknownMethodException), not a reason to drop the batch.
            var rawId = r.ReadVarUInt();
            var methodId = rawId > uint.MaxValue ? CallRequest.NoMethod : unchecked((int)(uint)rawId);
            items[i] = new CallRequest(callId, methodId, r.ReadBytes());
        }
        return items;
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
