namespace ManagedActors;

/// <summary>The base of every exception the library raises itself (not those an object's own code throws).</summary>
public abstract class ManagedActorsException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected ManagedActorsException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>The manager was shut down (or the client disposed); no call can be made through it any more.</summary>
public sealed class ManagerShutDownException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public ManagerShutDownException(string message) : base(message)
    {
    }
}

/// <summary>The host cannot be reached: it died, or the network between client and host is down.</summary>
public sealed class HostUnavailableException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public HostUnavailableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>The client did not prove that it holds the manager's authkey (the key does not match, or the host refused it).</summary>
public sealed class AuthenticationException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public AuthenticationException(string message) : base(message)
    {
    }
}

/// <summary>
/// The host no longer knows the client's session, so it ran none of the calls this answers: the host restarted, or it
/// ended the session (its connection was lost, or it was presented over another connection than the one that made it).
/// The client runs the handshake again on its next call; what the session held (locks, anonymous objects) is released.
/// </summary>
public sealed class SessionLostException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public SessionLostException(string message) : base(message)
    {
    }
}

/// <summary>The object does not expose the method that was called (a proxy of another version, or a bad method id).</summary>
public sealed class UnknownMethodException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public UnknownMethodException(string message) : base(message)
    {
    }
}

/// <summary>The object the proxy refers to does not exist any more (deleted, or lost with a host restart).</summary>
public sealed class ObjectNotFoundException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public ObjectNotFoundException(string message) : base(message)
    {
    }
}

/// <summary>
/// The object a proxy stood for is gone, and the object its name leads to now is another one: its host restarted
/// without a journal, or its client failed over to a host of its cluster, and the object was not durable. The proxy
/// never reaches the other object; opening the name again (<c>DictAsync</c>, <c>LockAsync</c>...) gets or creates the one
/// that is there now, with none of the lost object's state (a lock opened again is not held).
/// </summary>
public sealed class ObjectLostException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public ObjectLostException(string message) : base(message)
    {
    }
}

/// <summary>A value's type could not be loaded on the side that reads it (the host was not given its assembly).</summary>
public sealed class ManagedTypeNotLoadedException : ManagedActorsException
{
    /// <summary>Creates the exception for the named type.</summary>
    public ManagedTypeNotLoadedException(string typeName, Exception? inner)
        : base($"The type '{typeName}' could not be loaded here; give the host its assembly (ManagerOptions.TrustedAssemblies or --assembly).", inner) =>
        TypeName = typeName;

    internal ManagedTypeNotLoadedException(string typeName, string message) : base(message) => TypeName = typeName;

    /// <summary>The type that could not be loaded.</summary>
    public string TypeName { get; }
}

/// <summary>A value's type is outside the allow-list of the side that reads it, so it was refused before it was deserialized.</summary>
public sealed class ManagedTypeNotAllowedException : ManagedActorsException
{
    /// <summary>Creates the exception for the named type.</summary>
    public ManagedTypeNotAllowedException(string typeName)
        : base($"The type '{typeName}' is not on the allow-list; trust its assembly (ManagerOptions.TrustedAssemblies or --assembly) to send it.") =>
        TypeName = typeName;

    internal ManagedTypeNotAllowedException(string typeName, string message) : base(message) => TypeName = typeName;

    /// <summary>The refused type.</summary>
    public string TypeName { get; }
}

/// <summary>A value cannot be serialized (a delegate, a stream, a type the serializer fails on); raised before anything is sent.</summary>
public sealed class ManagedSerializationException : ManagedActorsException
{
    /// <summary>Creates the exception for the given type.</summary>
    public ManagedSerializationException(Type type, string reason, Exception? inner = null)
        : base($"A value of type '{type}' cannot be sent: {reason}.", inner) =>
        TypeName = type.FullName ?? type.Name;

    internal ManagedSerializationException(string typeName, string message, Exception? inner = null) : base(message, inner) => TypeName = typeName;

    /// <summary>The type that cannot be serialized.</summary>
    public string TypeName { get; }
}

/// <summary>A call or a reply is larger than the configured maximum message size; raised before it is sent.</summary>
public sealed class MessageTooLargeException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public MessageTooLargeException(long size, long maximum)
        : base($"The message is {size} bytes, over the maximum of {maximum} bytes (managed-actors.max-message-size).")
    {
        Size = size;
        Maximum = maximum;
    }

    /// <summary>The size of the refused message in bytes.</summary>
    public long Size { get; }

    /// <summary>The configured maximum in bytes.</summary>
    public long Maximum { get; }
}

/// <summary>
/// A value, or a call's arguments, would take more memory once read than the configured maximum; refused before it is
/// built (a count of one-byte items can claim items of a hundred bytes each).
/// </summary>
public sealed class ValueTooLargeException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public ValueTooLargeException(long size, long maximum)
        : base($"The value would take at least {size} bytes in memory once read, over the maximum of {maximum} bytes (managed-actors.max-decoded-size); it was refused before it was built.")
    {
        Size = size;
        Maximum = maximum;
    }

    /// <summary>The memory the value had claimed when it was refused, in bytes.</summary>
    public long Size { get; }

    /// <summary>The configured maximum in bytes.</summary>
    public long Maximum { get; }
}

/// <summary>A get from an empty queue did not get an item in time (Python's <c>queue.Empty</c>).</summary>
public sealed class QueueEmptyException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public QueueEmptyException(string message) : base(message)
    {
    }
}

/// <summary>A put to a full bounded queue found no room in time (Python's <c>queue.Full</c>).</summary>
public sealed class QueueFullException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public QueueFullException(string message) : base(message)
    {
    }
}

/// <summary>The queue was completed and has no items left; no more items will come.</summary>
public sealed class QueueCompletedException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public QueueCompletedException(string message) : base(message)
    {
    }
}

/// <summary>
/// An exception thrown by an object's code on the host whose type has no local counterpart. Well-known .NET
/// exceptions keep their own type instead; both carry the remote type name and stack trace.
/// </summary>
public sealed class ManagedRemoteException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public ManagedRemoteException(string remoteType, string message, string? remoteStackTrace)
        : base($"{remoteType}: {message}")
    {
        RemoteType = remoteType;
        RemoteMessage = message;
        RemoteStackTrace = remoteStackTrace;
    }

    /// <summary>The full name of the exception type thrown on the host.</summary>
    public string RemoteType { get; }

    /// <summary>The message of the exception thrown on the host.</summary>
    public string RemoteMessage { get; }

    /// <summary>The stack trace of the exception on the host.</summary>
    public string? RemoteStackTrace { get; }
}

/// <summary>A barrier was broken (aborted, reset, timed out, or a party died) while a party waited (Python's <c>BrokenBarrierError</c>).</summary>
public sealed class BrokenBarrierException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public BrokenBarrierException(string message) : base(message)
    {
    }
}

/// <summary>
/// An object was opened or created through an interface that is not its own (a dict opened as a list, a registered
/// type created through another type's interface): no call could run the method its caller named.
/// </summary>
public sealed class InterfaceMismatchException : ManagedActorsException
{
    /// <summary>Creates the exception naming the object's interface and the one asked for.</summary>
    public InterfaceMismatchException(string objectInterface, string requestedInterface, string message) : base(message)
    {
        ObjectInterface = objectInterface;
        RequestedInterface = requestedInterface;
    }

    /// <summary>The interface the object is served through (a base interface of it would be accepted too).</summary>
    public string ObjectInterface { get; }

    /// <summary>The interface the caller asked for.</summary>
    public string RequestedInterface { get; }
}

/// <summary>
/// The object's code threw an exception its registration marks fatal (<c>fatal:</c>,
/// <see cref="ManagedTypeAttribute.Fatal"/>), so the object was restarted: this call did not take effect, nor did the
/// calls after it in the same batch. The object came back with its journaled state (<see cref="Durability.Memory"/>,
/// <see cref="Durability.Durable"/>: every acknowledged call) or, with <see cref="Durability.None"/>, as it was created.
/// </summary>
public sealed class ManagedObjectRestartedException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public ManagedObjectRestartedException(string message) : base(message)
    {
    }
}

/// <summary>
/// The journal could not keep a batch of calls (the database is locked, unreachable, or full): none of the batch's
/// calls is acknowledged, and the object restarts from what its journal kept. On SQLite a refused write is rolled
/// back; a store that finishes a write after the journal's call timeout gave up on it (a slow PostgreSQL server) may
/// keep it, so a caller that must know retries with a check. The object serves again once the journal accepts writes.
/// </summary>
public sealed class PersistenceFailedException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public PersistenceFailedException(string message) : base(message)
    {
    }
}

/// <summary>
/// A call was sent again after the connection that carried it was lost before its answer, and the object cannot
/// tell whether it ran it: it keeps no record of calls (<see cref="Durability.None"/>), or no longer remembers this
/// one. The call was not run again, so it took effect once or not at all; read the object to know which. Objects
/// that journal their calls (<see cref="Durability.Memory"/>, <see cref="Durability.Durable"/>) answer a resent call
/// they ran with its first answer.
/// </summary>
public sealed class CallOutcomeUnknownException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public CallOutcomeUnknownException(string message) : base(message)
    {
    }
}

/// <summary>
/// A durable object's journal cannot be read by this version of the code: it holds a call of a method that no method
/// maps any more (renamed or removed without <see cref="ManagedMethodAttribute.Aliases"/>), or an event or snapshot
/// written by a newer journal format. The message names the object, the event and what maps it. The object answers
/// every call with this exception and changes nothing, so its journal stays as it was for the code that can read it.
/// </summary>
public sealed class JournalVersionException : ManagedActorsException
{
    /// <summary>Creates the exception.</summary>
    public JournalVersionException(string message) : base(message)
    {
    }
}

/// <summary>
/// A host cannot listen on a port it was given: another process (often another host) listens there already. The
/// message names the port and what it is for (clients, the data port, the cluster port). Raised before the host
/// serves anyone, so no client can land on a host that shares its port with another.
/// </summary>
public sealed class PortInUseException : ManagedActorsException
{
    /// <summary>Creates the exception for <paramref name="hostname"/>:<paramref name="port"/>, the host's <paramref name="purpose"/>.</summary>
    public PortInUseException(string hostname, int port, string purpose, Exception? inner = null)
        : base($"Port {port} on {hostname} ({purpose}) is in use by another process: stop it, or give this host another port.", inner)
    {
        Hostname = hostname;
        Port = port;
    }

    /// <summary>The address the host tried to listen on.</summary>
    public string Hostname { get; }

    /// <summary>The port in use.</summary>
    public int Port { get; }
}

/// <summary>
/// A host cannot journal to a SQLite file another host journals to: two hosts outside one cluster would each write
/// the same objects' events. The message names the process that holds the file. The members of one cluster share a
/// file (sharding keeps one writer per object), and a standalone host refuses a file a cluster uses, and the reverse.
/// </summary>
public sealed class DurableStoreInUseException : ManagedActorsException
{
    /// <summary>Creates the exception for the store at <paramref name="path"/>, held as <paramref name="holder"/> says.</summary>
    public DurableStoreInUseException(string path, string holder)
        : base($"The durable store {path} is in use by another host ({holder}): stop that host, or give this one another file.")
    {
        Path = path;
    }

    /// <summary>The store's file.</summary>
    public string Path { get; }
}
