using System.Globalization;
using System.Runtime.ExceptionServices;
using ManagedActors.Codec;

namespace ManagedActors.Protocol;

/// <summary>An error carried back to the caller: the remote exception's type, message and stack.</summary>
/// <param name="TypeName">The exception's full type name on the host.</param>
/// <param name="Message">Its message.</param>
/// <param name="StackTrace">Its stack on the host.</param>
/// <param name="ParamName">An argument exception's parameter.</param>
/// <param name="Detail">What a library exception carries besides its message (a type name, a size).</param>
internal sealed record FaultInfo(string TypeName, string Message, string? StackTrace, string? ParamName, string? Detail = null)
{
    /// <summary>Key in <see cref="Exception.Data"/> holding the type name of the exception on the host.</summary>
    public const string RemoteTypeKey = "ManagedActors.RemoteType";

    /// <summary>
    /// The exceptions a caller gets back as themselves, each listed once: how its detail is written on the host and
    /// how it is built again on the client. Any other type comes back as <see cref="ManagedRemoteException"/>.
    /// </summary>
    private static readonly Dictionary<string, (Func<Exception, string?> Detail, Func<FaultInfo, Exception> Create)> Known =
        new Table()
            .Add<KeyNotFoundException>(f => new KeyNotFoundException(f.Message))
            .Add<ArgumentOutOfRangeException>(f => new ArgumentOutOfRangeException(f.ParamName, f.MessageWithoutParam))
            .Add<ArgumentNullException>(f => new ArgumentNullException(f.ParamName, f.MessageWithoutParam))
            .Add<ArgumentException>(f => new ArgumentException(f.MessageWithoutParam, f.ParamName))
            .Add<InvalidOperationException>(f => new InvalidOperationException(f.Message))
            .Add<FormatException>(f => new FormatException(f.Message))
            .Add<OverflowException>(f => new OverflowException(f.Message))
            .Add<InvalidCastException>(f => new InvalidCastException(f.Message))
            .Add<NotSupportedException>(f => new NotSupportedException(f.Message))
            .Add<NotImplementedException>(f => new NotImplementedException(f.Message))
            .Add<DivideByZeroException>(f => new DivideByZeroException(f.Message))
            .Add<TimeoutException>(f => new TimeoutException(f.Message))
            .Add<OperationCanceledException>(f => new OperationCanceledException(f.Message))
            .Add<TaskCanceledException>(f => new OperationCanceledException(f.Message))
            .Add<ArithmeticException>(f => new ArithmeticException(f.Message))
            .Add<QueueEmptyException>(f => new QueueEmptyException(f.Message))
            .Add<QueueFullException>(f => new QueueFullException(f.Message))
            .Add<QueueCompletedException>(f => new QueueCompletedException(f.Message))
            .Add<BrokenBarrierException>(f => new BrokenBarrierException(f.Message))
            .Add<AuthenticationException>(f => new AuthenticationException(f.Message))
            .Add<SessionLostException>(f => new SessionLostException(f.Message))
            .Add<UnknownMethodException>(f => new UnknownMethodException(f.Message))
            .Add<ObjectNotFoundException>(f => new ObjectNotFoundException(f.Message))
            .Add<ObjectLostException>(f => new ObjectLostException(f.Message))
            .Add<PersistenceFailedException>(f => new PersistenceFailedException(f.Message))
            .Add<JournalVersionException>(f => new JournalVersionException(f.Message))
            .Add<CallOutcomeUnknownException>(f => new CallOutcomeUnknownException(f.Message))
            .Add<ManagedObjectRestartedException>(f => new ManagedObjectRestartedException(f.Message))
            .Add<ManagedTypeNotAllowedException>(f => new ManagedTypeNotAllowedException(f.Detail ?? "", f.Message), e => e.TypeName)
            .Add<ManagedTypeNotLoadedException>(f => new ManagedTypeNotLoadedException(f.Detail ?? "", f.Message), e => e.TypeName)
            .Add<ManagedSerializationException>(f => new ManagedSerializationException(f.Detail ?? "", f.Message), e => e.TypeName)
            .Add<MessageTooLargeException>(TooLarge, e => string.Create(CultureInfo.InvariantCulture, $"{e.Size}/{e.Maximum}"))
            .Add<ValueTooLargeException>(f => new ValueTooLargeException(Part(f, 0), Part(f, 1)), e => string.Create(CultureInfo.InvariantCulture, $"{e.Size}/{e.Maximum}"))
            .Add<InterfaceMismatchException>(
                f => (f.Detail ?? "\n").Split('\n') is [var own, var asked]
                    ? new InterfaceMismatchException(own, asked, f.Message)
                    : new InterfaceMismatchException("", "", f.Message),
                e => e.ObjectInterface + "\n" + e.RequestedInterface)
            .Entries;

    /// <summary>The type names of the exceptions that come back as themselves.</summary>
    public static IEnumerable<string> KnownTypes => Known.Keys;

    public byte[] Encode()
    {
        using var w = new WireWriter();
        w.WriteString(TypeName);
        w.WriteString(Message);
        w.WriteString(StackTrace);
        w.WriteString(ParamName);
        w.WriteString(Detail);
        return w.ToArray();
    }

    public static FaultInfo Decode(byte[] bytes)
    {
        var r = new WireReader(bytes);
        return new FaultInfo(r.ReadRequiredString(), r.ReadString() ?? "", r.ReadString(), r.ReadString(), r.ReadString());
    }

    /// <summary>The fault that carries <paramref name="e"/> to the caller.</summary>
    public static FaultInfo From(Exception e)
    {
        var typeName = e.GetType().FullName ?? e.GetType().Name;
        return new FaultInfo(typeName, e.Message, e.StackTrace, (e as ArgumentException)?.ParamName,
            Known.TryGetValue(typeName, out var known) ? known.Detail(e) : null);
    }

    /// <summary>
    /// The exception the caller gets: the original type for well-known .NET exceptions and the library's own,
    /// <see cref="ManagedRemoteException"/> otherwise; always with the host's stack trace.
    /// </summary>
    public Exception ToException()
    {
        var exception = Known.TryGetValue(TypeName, out var known)
            ? known.Create(this)
            : new ManagedRemoteException(TypeName, Message, StackTrace);
        exception.Data[RemoteTypeKey] = TypeName;
        if (StackTrace is { Length: > 0 } stack)
        {
            ExceptionDispatchInfo.SetRemoteStackTrace(exception, stack + Environment.NewLine + "--- End of stack trace on the ManagedActors host ---" + Environment.NewLine);
        }
        return exception;
    }

    /// <summary>ArgumentException appends " (Parameter 'x')" to its message; the exception built again appends it again.</summary>
    private string MessageWithoutParam
    {
        get
        {
            var suffix = ParamName is null ? null : $" (Parameter '{ParamName}')";
            return suffix is not null && Message.EndsWith(suffix, StringComparison.Ordinal) ? Message[..^suffix.Length] : Message;
        }
    }

    private static MessageTooLargeException TooLarge(FaultInfo fault) => new(Part(fault, 0), Part(fault, 1));

    /// <summary>One of the two numbers of a size fault's detail ("size/maximum"); 0 when it has none.</summary>
    private static long Part(FaultInfo fault, int index) =>
        (fault.Detail ?? "").Split('/') is [var size, var maximum] && long.TryParse(index == 0 ? size : maximum, CultureInfo.InvariantCulture, out var value)
            ? value
            : 0;

    private sealed class Table
    {
        public Dictionary<string, (Func<Exception, string?> Detail, Func<FaultInfo, Exception> Create)> Entries { get; } = new(StringComparer.Ordinal);

        public Table Add<T>(Func<FaultInfo, Exception> create, Func<T, string?>? detail = null) where T : Exception
        {
            Entries.Add(typeof(T).FullName!, (detail is null ? static _ => null : e => detail((T)e), create));
            return this;
        }
    }
}
