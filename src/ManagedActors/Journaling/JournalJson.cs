using System.Buffers;
using System.Text;
using System.Text.Json;
using ManagedActors.Codec;

namespace ManagedActors.Journaling;

/// <summary>
/// One record of a journal or snapshot store as a line of JSON, read without the types that wrote it
/// (<see cref="ValueJson"/>): what it is, its sequence number, and its calls, arguments or state.
/// </summary>
internal static class JournalJson
{
    /// <summary>The JSON of the record <paramref name="bytes"/> stored under <paramref name="manifest"/> at <paramref name="sequenceNr"/>.</summary>
    public static string Of(long sequenceNr, string manifest, byte[] bytes)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", sequenceNr);
            json.WriteString("manifest", manifest);
            IJournalEvent record;
            try
            {
                record = JournalSerializer.Read(manifest, bytes);
            }
            catch (System.Runtime.Serialization.SerializationException e)
            {
                record = new UnreadableEvent(manifest, e.Message);
            }
            Write(json, record);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter json, IJournalEvent record)
    {
        switch (record)
        {
            case ObjectCreated created:
                json.WriteString("record", "created");
                json.WritePropertyName("args");
                ValueJson.WriteAll(json, created.Args);
                return;
            case ObjectSnapshot snapshot:
                json.WriteString("record", "snapshot");
                json.WritePropertyName("state");
                ValueJson.WriteAll(json, snapshot.Args);
                json.WriteNumber("ledgerBytes", snapshot.Ledger.Length);
                return;
            case JournaledCalls calls:
                json.WriteString("record", "calls");
                json.WriteString("client", calls.Client);
                Time(json, calls.At);
                json.WriteStartArray("calls");
                for (var i = 0; i < calls.Items.Length; i++)
                {
                    json.WriteStartObject();
                    json.WriteNumber("id", calls.Items[i].CallId);
                    // Before journal keys, the method's wire id (a hash of its interface, name and parameters).
                    json.WriteString("method", calls.Keys?[i] ?? "#" + calls.Items[i].MethodId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    json.WritePropertyName("args");
                    ValueJson.WriteAll(json, calls.Items[i].Args);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                return;
            case JournaledWaits waits:
                json.WriteString("record", "waits");
                Time(json, waits.At);
                json.WriteStartArray("ends");
                foreach (var end in waits.Ends)
                {
                    json.WriteStartObject();
                    json.WriteString("kind", end.Kind.ToString());
                    json.WriteString("client", end.Client);
                    json.WriteNumber("call", end.CallId);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                return;
            case UnreadableEvent unreadable:
                json.WriteString("record", "unreadable");
                json.WriteString("reason", unreadable.Reason);
                return;
        }
    }

    private static void Time(Utf8JsonWriter json, long unixMilliseconds)
    {
        if (unixMilliseconds is > 0 and < 253_402_300_800_000)
        {
            json.WriteString("at", DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds));
        }
    }
}
