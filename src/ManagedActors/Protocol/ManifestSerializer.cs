using Akka.Actor;
using Akka.Serialization;
using ManagedActors.Codec;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace ManagedActors.Protocol;

/// <summary>
/// The skeleton of the library's serializers: a table of (type, manifest, writer, reader) filled once per serializer,
/// so each message is listed in one place. Reading is total: whatever the bytes, a message comes back whole (no bytes
/// left over) or one <see cref="SerializationException"/> is thrown, which Akka logs and drops. The serializer's id is
/// the one <c>akka.actor.serialization-identifiers</c> gives it in reference.conf, and nowhere else.
/// </summary>
internal abstract class ManifestSerializer : SerializerWithStringManifest
{
    private readonly Dictionary<Type, List<(Func<object, bool> When, string Manifest, Action<WireWriter, object> Write)>> _writers = [];
    private readonly Dictionary<string, Reader> _readers = new(StringComparer.Ordinal);
    private readonly string _what;

    /// <summary>Reads one message's body.</summary>
    protected delegate object Reader(ref WireReader reader);

    /// <param name="system">The system the serializer serves.</param>
    /// <param name="what">What its messages are, as errors name them ("ManagedActors protocol message").</param>
    protected ManifestSerializer(ExtendedActorSystem system, string what) : base(system) => _what = what;

    /// <summary>
    /// Lists <typeparamref name="T"/> under <paramref name="manifest"/>. A type listed more than once (a resent batch
    /// of calls, say) takes the first manifest whose <paramref name="when"/> holds.
    /// </summary>
    protected void Add<T>(string manifest, Action<WireWriter, T> write, Reader read, Func<T, bool>? when = null)
    {
        if (!_readers.TryAdd(manifest, read))
        {
            throw new ArgumentException($"The manifest '{manifest}' is listed twice.", nameof(manifest));
        }
        if (!_writers.TryGetValue(typeof(T), out var writers))
        {
            _writers[typeof(T)] = writers = [];
        }
        writers.Add((when is null ? static _ => true : o => when((T)o), manifest, (w, o) => write(w, (T)o)));
    }

    /// <summary>Whether a reader is listed under <paramref name="manifest"/>.</summary>
    protected bool Reads(string manifest) => _readers.ContainsKey(manifest);

    public override string Manifest(object o) => Writer(o).Manifest;

    public override byte[] ToBinary(object obj)
    {
        using var w = new WireWriter();
        Writer(obj).Write(w, obj);
        return w.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!_readers.TryGetValue(manifest, out var read))
        {
            throw new SerializationException($"Unknown {_what} manifest '{manifest}'.");
        }
        try
        {
            var r = new WireReader(bytes);
            var message = read(ref r);
            return r.AtEnd ? message : throw new FormatException("Trailing bytes after the message.");
        }
        catch (Exception e) when (e is not SerializationException and not OutOfMemoryException)
        {
            throw new SerializationException($"Malformed {_what} '{manifest}': {e.Message}", e);
        }
    }

    private (Func<object, bool> When, string Manifest, Action<WireWriter, object> Write) Writer(object o)
    {
        if (_writers.TryGetValue(o.GetType(), out var writers))
        {
            foreach (var writer in writers)
            {
                if (writer.When(o))
                {
                    return writer;
                }
            }
        }
        throw new ArgumentException($"{o.GetType()} is not a {_what}.", nameof(o));
    }
}
