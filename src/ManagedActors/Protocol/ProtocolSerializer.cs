using Akka.Actor;
using Akka.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace ManagedActors.Protocol;

/// <summary>
/// The wire format of the protocol messages: a few bytes of framing around payloads that the value codec has
/// already encoded, so the hot path never reflects and never goes through a general-purpose serializer.
/// </summary>
internal sealed class ProtocolSerializer : SerializerWithStringManifest
{
    /// <summary>The identifier bound in reference.conf.</summary>
    public const int SerializerId = 1711;

    private const string CallsManifest = "C", ResentManifest = "CR", ResultsManifest = "R", CancelManifest = "X", HelloManifest = "H",
        ChallengeManifest = "CH", ProofManifest = "P", WelcomeManifest = "W", DeniedManifest = "D",
        ShutdownManifest = "S", GoodbyeManifest = "G";

    public ProtocolSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        Calls { Resent: true } => ResentManifest,
        Calls => CallsManifest,
        Results => ResultsManifest,
        CancelCall => CancelManifest,
        Hello => HelloManifest,
        Challenge => ChallengeManifest,
        Proof => ProofManifest,
        Welcome => WelcomeManifest,
        AccessDenied => DeniedManifest,
        HostShutdown => ShutdownManifest,
        Goodbye => GoodbyeManifest,
        _ => throw new ArgumentException($"{o.GetType()} is not a ManagedActors protocol message.", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var w = new WireWriter();
        switch (obj)
        {
            case Calls calls:
                w.WriteGuid(calls.Session);
                WriteCallItems(w, calls.Items, 0, calls.Items.Length);
                break;
            case Results results:
                WriteResultItems(w, results.Items);
                break;
            case CancelCall cancel:
                w.WriteGuid(cancel.Session);
                w.WriteVarInt(cancel.CallId);
                break;
            case Hello hello:
                w.WriteString(Serialization.SerializedActorPath(hello.ReplyTo));
                break;
            case Challenge challenge:
                w.WriteBytes(challenge.Nonce);
                w.WriteGuid(challenge.Incarnation);
                break;
            case Proof proof:
                w.WriteString(Serialization.SerializedActorPath(proof.ReplyTo));
                w.WriteBytes(proof.Nonce);
                w.WriteBytes(proof.Mac);
                w.WriteGuid(proof.Client);
                break;
            case Welcome welcome:
                w.WriteGuid(welcome.Session);
                w.WriteGuid(welcome.Incarnation);
                w.WriteVarUInt((uint)welcome.LanePort);
                w.WriteByte(welcome.LaneTls ? (byte)1 : (byte)0);
                w.WriteVarUInt((ulong)(welcome.Contacts?.Length ?? 0));
                foreach (var contact in welcome.Contacts ?? [])
                {
                    w.WriteString(contact);
                }
                break;
            case AccessDenied denied:
                w.WriteString(denied.Reason);
                break;
            case HostShutdown shutdown:
                w.WriteGuid(shutdown.Incarnation);
                w.WriteGuid(shutdown.Session);
                break;
            case Goodbye goodbye:
                w.WriteGuid(goodbye.Session);
                break;
            default:
                throw new ArgumentException($"{obj.GetType()} is not a ManagedActors protocol message.", nameof(obj));
        }
        return w.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var r = new WireReader(bytes);
        try
        {
            return manifest switch
            {
                CallsManifest => ReadCalls(ref r),
                ResentManifest => ReadCalls(ref r) with { Resent = true },
                ResultsManifest => ReadResultItems(ref r),
                CancelManifest => new CancelCall(r.ReadGuid(), r.ReadVarInt()),
                HelloManifest => new Hello(ResolveRef(ref r)),
                ChallengeManifest => new Challenge(r.ReadBytes(), r.ReadGuid()),
                ProofManifest => new Proof(ResolveRef(ref r), r.ReadBytes(), r.ReadBytes(), r.ReadGuid()),
                WelcomeManifest => ReadWelcome(ref r),
                DeniedManifest => new AccessDenied(r.ReadString() ?? ""),
                ShutdownManifest => new HostShutdown(r.ReadGuid(), r.ReadGuid()),
                GoodbyeManifest => new Goodbye(r.ReadGuid()),
                _ => throw new SerializationException($"Unknown ManagedActors manifest '{manifest}'."),
            };
        }
        catch (Exception e) when (e is not SerializationException and not OutOfMemoryException)
        {
            // Total: whatever the bytes, one exception type, which Akka.Remote logs and drops.
            throw new SerializationException($"Malformed ManagedActors message '{manifest}': {e.Message}", e);
        }
    }

    private static Calls ReadCalls(ref WireReader r) => new(r.ReadGuid(), ReadCallItems(ref r));

    /// <summary>A count and the calls: the body of a Calls message and of a lane's calls frame.</summary>
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

    /// <summary>A Welcome; one without the lane's fields (a host that predates the lane) offers none, one without contacts names none.</summary>
    private static Welcome ReadWelcome(ref WireReader r)
    {
        var session = r.ReadGuid();
        var incarnation = r.ReadGuid();
        if (r.AtEnd)
        {
            return new Welcome(session, incarnation);
        }
        var port = r.ReadVarUInt();
        if (port > ushort.MaxValue)
        {
            throw new FormatException($"Port {port} is out of range.");
        }
        var tls = r.ReadByte() != 0;
        if (r.AtEnd)
        {
            return new Welcome(session, incarnation, (int)port, tls);
        }
        var contacts = new string[r.ReadCount()];
        for (var i = 0; i < contacts.Length; i++)
        {
            contacts[i] = r.ReadRequiredString();
        }
        return new Welcome(session, incarnation, (int)port, tls, contacts);
    }

    private IActorRef ResolveRef(ref WireReader r) => system.Provider.ResolveActorRef(r.ReadRequiredString());
}
