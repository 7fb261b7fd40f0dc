using System.Globalization;
using Akka.Actor;
using ManagedActors.Codec;
using ManagedActors.Protocol;
using ManagedActors.Runtime;

namespace ManagedActors.Journaling;

/// <summary>
/// Writes and reads journal events in the protocol's own encoding: no type is named in the bytes, and reading is
/// total (any malformed record is one <see cref="System.Runtime.Serialization.SerializationException"/>). Every
/// manifest written carries the journal format's version (<c>JK.2</c>); records of earlier formats (no version) are
/// read as they were written, and a record of a newer format, or of a kind this version does not know, is read as an
/// <see cref="UnreadableEvent"/> that says so, never misread.
/// </summary>
internal sealed class JournalSerializer : ManifestSerializer
{
    /// <summary>
    /// The journal format this version writes, and the newest it reads. Format 2 writes the application's records in
    /// values field by field (format 1 through Hyperion): a version that reads only format 1 refuses it by name rather
    /// than fail on a value it cannot decode. Records of format 1 read as they were written.
    /// </summary>
    public const int Format = 2;

    private static readonly string Suffix = "." + Format.ToString(CultureInfo.InvariantCulture);

    private static readonly Reader Created = static (ref WireReader r) => new ObjectCreated(r.ReadBytes());
    private static readonly Reader Calls = static (ref WireReader r) => ReadCalls(ref r);
    private static readonly Reader Waits = static (ref WireReader r) => ReadWaits(ref r);
    private static readonly Reader Snapshot = static (ref WireReader r) => new ObjectSnapshot(r.ReadBytes(), r.AtEnd ? [] : r.ReadBytes());

    // Before keys: the calls' wire ids name their methods.
    private static readonly Reader WireIdCalls = static (ref WireReader r) =>
        new JournaledCalls(r.ReadGuid(), ProtocolSerializer.ReadCallItems(ref r), r.AtEnd ? 0 : r.ReadVarInt());

    public JournalSerializer(ExtendedActorSystem system) : base(system, "ManagedActors journal event")
    {
        Both<ObjectCreated>("OC", static (w, created) => w.WriteBytes(created.Args), Created);
        Add<JournaledCalls>("JK" + Suffix, WriteCalls, Calls);
        Add<JournaledCalls>("JK.1", WriteCalls, Calls, static _ => false);
        Add<JournaledCalls>("JC", static (_, _) => throw new NotSupportedException(), WireIdCalls, static _ => false);
        Both<JournaledWaits>("JW", static (w, waits) =>
        {
            w.WriteVarInt(waits.At);
            w.WriteVarUInt((ulong)waits.Ends.Length);
            foreach (var end in waits.Ends)
            {
                w.WriteByte((byte)end.Kind);
                w.WriteGuid(end.Client);
                w.WriteVarInt(end.CallId);
            }
        }, Waits);
        Both<ObjectSnapshot>("OS", static (w, snapshot) =>
        {
            w.WriteBytes(snapshot.Args);
            w.WriteBytes(snapshot.Ledger);
        }, Snapshot);
    }

    /// <summary>
    /// Reads a record of the journal or snapshot store without an actor system (the journal's offline tools), as a host
    /// would: an <see cref="UnreadableEvent"/> for a manifest of a newer format or one this version does not know.
    /// </summary>
    /// <exception cref="System.Runtime.Serialization.SerializationException">The record is malformed.</exception>
    public static IJournalEvent Read(string manifest, byte[] bytes)
    {
        var bare = manifest.EndsWith(Suffix, StringComparison.Ordinal) ? manifest[..^Suffix.Length]
            : manifest.EndsWith(".1", StringComparison.Ordinal) ? manifest[..^2]
            : manifest;
        var read = (bare, manifest == bare) switch
        {
            ("OC", _) => Created,
            ("JK", false) => Calls,
            ("JC", true) => WireIdCalls,
            ("JW", _) => Waits,
            ("OS", _) => Snapshot,
            _ => null,
        };
        if (read is null)
        {
            return new UnreadableEvent(manifest, Unknown(manifest));
        }
        try
        {
            var r = new WireReader(bytes);
            var message = (IJournalEvent)read(ref r);
            return r.AtEnd ? message : throw new FormatException("Trailing bytes after the record.");
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            throw new System.Runtime.Serialization.SerializationException($"Malformed journal record '{manifest}': {e.Message}", e);
        }
    }

    public override object FromBinary(byte[] bytes, string manifest) =>
        Reads(manifest) ? base.FromBinary(bytes, manifest) : new UnreadableEvent(manifest, Unknown(manifest));

    /// <summary>Why <paramref name="manifest"/> cannot be read: a newer format of a record this version knows, or something else.</summary>
    private static string Unknown(string manifest)
    {
        var dot = manifest.LastIndexOf('.');
        return dot > 0 && manifest[..dot] is "OC" or "JK" or "JC" or "JW" or "OS"
            && int.TryParse(manifest[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var format) && format > Format
            ? $"it was written in journal format {format}, and this version of ManagedActors reads formats up to {Format}: run the newer version that wrote it"
            : $"it holds a record this version of ManagedActors does not know ('{manifest}'): a newer version, or another program, wrote it";
    }

    /// <summary>Writes <typeparamref name="T"/> under the current format's manifest, and reads it under that one and under the unversioned one before it.</summary>
    private void Both<T>(string manifest, Action<WireWriter, T> write, Reader read)
    {
        Add(manifest + Suffix, write, read);
        Add(manifest + ".1", write, read, static _ => false);
        Add(manifest, write, read, static _ => false);
    }

    private static void WriteCalls(WireWriter w, JournaledCalls calls)
    {
        var keys = calls.Keys ?? throw new ArgumentException("Journaled calls must name their methods by key.", nameof(calls));
        w.WriteGuid(calls.Client);
        w.WriteVarInt(calls.At);
        // Each key once per event (a batch is mostly one method), then each call with its key's index.
        var table = keys.Distinct(StringComparer.Ordinal).ToArray();
        w.WriteVarUInt((ulong)table.Length);
        foreach (var key in table)
        {
            w.WriteString(key);
        }
        w.WriteVarUInt((ulong)calls.Items.Length);
        for (var i = 0; i < calls.Items.Length; i++)
        {
            w.WriteVarInt(calls.Items[i].CallId);
            w.WriteVarUInt((ulong)Array.IndexOf(table, keys[i]));
            w.WriteBytes(calls.Items[i].Args);
        }
    }

    private static JournaledCalls ReadCalls(ref WireReader r)
    {
        var client = r.ReadGuid();
        var at = r.ReadVarInt();
        var table = new string[r.ReadCount()];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = r.ReadString() ?? throw new FormatException("A journal key is missing.");
        }
        var items = new CallRequest[r.ReadCount()];
        var keys = new string[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var callId = r.ReadVarInt();
            var index = r.ReadVarUInt();
            keys[i] = index < (ulong)table.Length ? table[index] : throw new FormatException($"Journal key {index} of {table.Length}.");
            items[i] = new CallRequest(callId, CallRequest.NoMethod, r.ReadBytes());
        }
        return new JournaledCalls(client, items, at, keys);
    }

    private static JournaledWaits ReadWaits(ref WireReader r)
    {
        var at = r.ReadVarInt();
        var ends = new WaitEnd[r.ReadCount()];
        for (var i = 0; i < ends.Length; i++)
        {
            var kind = (WaitEndKind)r.ReadByte();
            if (!Enum.IsDefined(kind))
            {
                throw new FormatException($"Unknown wait end {(byte)kind}.");
            }
            ends[i] = new WaitEnd(kind, r.ReadGuid(), r.ReadVarInt());
        }
        return new JournaledWaits(at, ends);
    }
}
