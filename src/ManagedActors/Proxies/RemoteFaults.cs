using System.Runtime.ExceptionServices;
using ManagedActors.Protocol;

namespace ManagedActors.Proxies;

/// <summary>
/// Turns a fault from the host back into an exception: the original type for well-known .NET exceptions and the
/// library's own, <see cref="ManagedRemoteException"/> otherwise; always with the host's stack trace.
/// </summary>
internal static class RemoteFaults
{
    /// <summary>Key in <see cref="Exception.Data"/> holding the type name of the exception on the host.</summary>
    public const string RemoteTypeKey = "ManagedActors.RemoteType";

    private static readonly Dictionary<string, Func<FaultInfo, Exception>> Known = new(StringComparer.Ordinal)
    {
        [typeof(KeyNotFoundException).FullName!] = f => new KeyNotFoundException(f.Message),
        [typeof(ArgumentOutOfRangeException).FullName!] = f => new ArgumentOutOfRangeException(f.ParamName, StripParam(f)),
        [typeof(ArgumentNullException).FullName!] = f => new ArgumentNullException(f.ParamName, StripParam(f)),
        [typeof(ArgumentException).FullName!] = f => new ArgumentException(StripParam(f), f.ParamName),
        [typeof(InvalidOperationException).FullName!] = f => new InvalidOperationException(f.Message),
        [typeof(FormatException).FullName!] = f => new FormatException(f.Message),
        [typeof(OverflowException).FullName!] = f => new OverflowException(f.Message),
        [typeof(InvalidCastException).FullName!] = f => new InvalidCastException(f.Message),
        [typeof(NotSupportedException).FullName!] = f => new NotSupportedException(f.Message),
        [typeof(NotImplementedException).FullName!] = f => new NotImplementedException(f.Message),
        [typeof(DivideByZeroException).FullName!] = f => new DivideByZeroException(f.Message),
        [typeof(TimeoutException).FullName!] = f => new TimeoutException(f.Message),
        [typeof(OperationCanceledException).FullName!] = f => new OperationCanceledException(f.Message),
        [typeof(TaskCanceledException).FullName!] = f => new OperationCanceledException(f.Message),
        [typeof(ArithmeticException).FullName!] = f => new ArithmeticException(f.Message),
        [typeof(QueueEmptyException).FullName!] = f => new QueueEmptyException(f.Message),
        [typeof(QueueFullException).FullName!] = f => new QueueFullException(f.Message),
        [typeof(QueueCompletedException).FullName!] = f => new QueueCompletedException(f.Message),
        [typeof(BrokenBarrierException).FullName!] = f => new BrokenBarrierException(f.Message),
        [typeof(AuthenticationException).FullName!] = f => new AuthenticationException(f.Message),
        [typeof(UnknownMethodException).FullName!] = f => new UnknownMethodException(f.Message),
        [typeof(ObjectNotFoundException).FullName!] = f => new ObjectNotFoundException(f.Message),
        [typeof(PersistenceFailedException).FullName!] = f => new PersistenceFailedException(f.Message),
        [typeof(CallOutcomeUnknownException).FullName!] = f => new CallOutcomeUnknownException(f.Message),
        [typeof(ManagedObjectRestartedException).FullName!] = f => new ManagedObjectRestartedException(f.Message),
        [typeof(ManagedTypeNotAllowedException).FullName!] = f => new ManagedTypeNotAllowedException(f.Detail ?? "", f.Message),
        [typeof(ManagedTypeNotLoadedException).FullName!] = f => new ManagedTypeNotLoadedException(f.Detail ?? "", f.Message),
        [typeof(MessageTooLargeException).FullName!] = TooLarge,
        [typeof(InterfaceMismatchException).FullName!] = f => (f.Detail ?? "\n").Split('\n') is [var own, var asked]
            ? new InterfaceMismatchException(own, asked, f.Message)
            : new InterfaceMismatchException("", "", f.Message),
        [typeof(ManagedSerializationException).FullName!] = f => new ManagedSerializationException(f.Detail ?? "", f.Message),
    };

    public static Exception ToException(FaultInfo fault)
    {
        var exception = Known.TryGetValue(fault.TypeName, out var create)
            ? create(fault)
            : new ManagedRemoteException(fault.TypeName, fault.Message, fault.StackTrace);
        exception.Data[RemoteTypeKey] = fault.TypeName;
        if (fault.StackTrace is { Length: > 0 } stack)
        {
            ExceptionDispatchInfo.SetRemoteStackTrace(exception, stack + Environment.NewLine + "--- End of stack trace on the ManagedActors host ---" + Environment.NewLine);
        }
        return exception;
    }

    private static MessageTooLargeException TooLarge(FaultInfo fault)
    {
        var parts = (fault.Detail ?? "0/0").Split('/');
        return new MessageTooLargeException(
            long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string StripParam(FaultInfo fault)
    {
        // ArgumentException appends " (Parameter 'x')" to its message; the new exception will append it again.
        var suffix = fault.ParamName is null ? null : $" (Parameter '{fault.ParamName}')";
        return suffix is not null && fault.Message.EndsWith(suffix, StringComparison.Ordinal) ? fault.Message[..^suffix.Length] : fault.Message;
    }
}
