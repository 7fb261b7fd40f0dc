using System.Collections;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using ManagedActors.Client;
using ManagedActors.Codec;
using ManagedActors.Telemetry;

namespace ManagedActors.Processes;

/// <summary>
/// A child OS process running a static method, as Python's <c>Process(target, args)</c>: the same program is
/// started again, connects to the manager its proxy arguments belong to, rebuilds the arguments (proxies as
/// live proxies) and runs the target, then exits 0, or prints the exception and exits non-zero. The child
/// never runs the parent's <c>Main</c> body: a .NET startup hook runs the target first (where startup hooks
/// are disabled, call <see cref="RunWorkerIfRequested"/> as the first line of Main). The authkey travels in
/// the child's environment, never on its command line. The child's stdout and stderr are the parent's.
/// </summary>
public sealed class ManagedProcess : IDisposable
{
    private const int InlinePayloadLimit = 64 * 1024;

    private readonly Process _process;

    // Keeps the parent's proxies alive while the child runs: dropping the last one would let an anonymous
    // object go before the child holds it.
    private object?[]? _arguments;
    private readonly string _resultFile;
    private readonly string? _payloadFile;
    private ManagedRemoteException? _error;
    private bool _errorRead;

    private ManagedProcess(Process process, string resultFile, string? payloadFile, object?[] arguments)
    {
        _arguments = arguments;
        _process = process;
        _resultFile = resultFile;
        _payloadFile = payloadFile;
    }

    /// <summary>
    /// In a child process, its connection to the manager its proxy arguments came from (to create objects there);
    /// null in a process that was not started by <see cref="ManagedProcess"/>, or whose target got no proxies.
    /// </summary>
    public static ManagerSession? Connection { get; internal set; }

    /// <summary>The child's process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Whether the child has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The child's exit code once it has exited (0: the target returned), else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The target's exception (its type, message and stack) once the child has exited with one, else null.</summary>
    public ManagedRemoteException? Error
    {
        get
        {
            if (!_errorRead && _process.HasExited)
            {
                _error = ReadError();
                _errorRead = true;
            }
            return _error;
        }
    }

    /// <summary>Waits for the child to exit; its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        _arguments = null;
        return _process.ExitCode;
    }

    /// <summary>Kills the child (and its own children) at once.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Releases the process handle and the child's temporary files; does not kill the child.</summary>
    public void Dispose()
    {
        _process.Dispose();
        TryDelete(_resultFile);
        if (_payloadFile is not null)
        {
            TryDelete(_payloadFile);
        }
    }

    /// <summary>
    /// In a program where startup hooks are disabled (a trimmed or AOT app), the first line of Main: in a child
    /// started by <see cref="ManagedProcess"/> it runs the target and exits; elsewhere it returns at once.
    /// </summary>
    public static void RunWorkerIfRequested() => WorkerRunner.RunIfRequested();

    /// <summary>Starts a child process running <paramref name="target"/>.</summary>
    public static ManagedProcess Start(Func<Task> target) => StartCore(target, []);

    /// <summary>Starts a child process running <paramref name="target"/> with one argument.</summary>
    public static ManagedProcess Start<T1>(Func<T1, Task> target, T1 arg1) => StartCore(target, [arg1]);

    /// <summary>Starts a child process running <paramref name="target"/> with two arguments.</summary>
    public static ManagedProcess Start<T1, T2>(Func<T1, T2, Task> target, T1 arg1, T2 arg2) => StartCore(target, [arg1, arg2]);

    /// <summary>Starts a child process running <paramref name="target"/> with three arguments.</summary>
    public static ManagedProcess Start<T1, T2, T3>(Func<T1, T2, T3, Task> target, T1 arg1, T2 arg2, T3 arg3) =>
        StartCore(target, [arg1, arg2, arg3]);

    /// <summary>Starts a child process running <paramref name="target"/> with four arguments.</summary>
    public static ManagedProcess Start<T1, T2, T3, T4>(Func<T1, T2, T3, T4, Task> target, T1 arg1, T2 arg2, T3 arg3, T4 arg4) =>
        StartCore(target, [arg1, arg2, arg3, arg4]);

    /// <summary>Starts a child process running <paramref name="target"/> with five arguments.</summary>
    public static ManagedProcess Start<T1, T2, T3, T4, T5>(Func<T1, T2, T3, T4, T5, Task> target, T1 arg1, T2 arg2, T3 arg3, T4 arg4, T5 arg5) =>
        StartCore(target, [arg1, arg2, arg3, arg4, arg5]);

    /// <summary>Starts a child process running <paramref name="target"/> with six arguments.</summary>
    public static ManagedProcess Start<T1, T2, T3, T4, T5, T6>(Func<T1, T2, T3, T4, T5, T6, Task> target, T1 arg1, T2 arg2, T3 arg3, T4 arg4, T5 arg5, T6 arg6) =>
        StartCore(target, [arg1, arg2, arg3, arg4, arg5, arg6]);

    /// <summary>Starts a child process running the synchronous <paramref name="target"/>.</summary>
    public static ManagedProcess Start(Action target) => StartCore(target, []);

    /// <summary>Starts a child process running the synchronous <paramref name="target"/> with one argument.</summary>
    public static ManagedProcess Start<T1>(Action<T1> target, T1 arg1) => StartCore(target, [arg1]);

    /// <summary>Starts a child process running the synchronous <paramref name="target"/> with two arguments.</summary>
    public static ManagedProcess Start<T1, T2>(Action<T1, T2> target, T1 arg1, T2 arg2) => StartCore(target, [arg1, arg2]);

    /// <summary>Starts a child process running the synchronous <paramref name="target"/> with three arguments.</summary>
    public static ManagedProcess Start<T1, T2, T3>(Action<T1, T2, T3> target, T1 arg1, T2 arg2, T3 arg3) => StartCore(target, [arg1, arg2, arg3]);

    /// <summary>Starts a child process running the synchronous <paramref name="target"/> with four arguments.</summary>
    public static ManagedProcess Start<T1, T2, T3, T4>(Action<T1, T2, T3, T4> target, T1 arg1, T2 arg2, T3 arg3, T4 arg4) =>
        StartCore(target, [arg1, arg2, arg3, arg4]);

    /// <summary>Starts a child process running the synchronous <paramref name="target"/> with five arguments.</summary>
    public static ManagedProcess Start<T1, T2, T3, T4, T5>(Action<T1, T2, T3, T4, T5> target, T1 arg1, T2 arg2, T3 arg3, T4 arg4, T5 arg5) =>
        StartCore(target, [arg1, arg2, arg3, arg4, arg5]);

    /// <summary>Starts a child process running the synchronous <paramref name="target"/> with six arguments.</summary>
    public static ManagedProcess Start<T1, T2, T3, T4, T5, T6>(Action<T1, T2, T3, T4, T5, T6> target, T1 arg1, T2 arg2, T3 arg3, T4 arg4, T5 arg5, T6 arg6) =>
        StartCore(target, [arg1, arg2, arg3, arg4, arg5, arg6]);

    /// <summary>
    /// Starts a child process that calls one method of a managed object (Python's
    /// <c>Process(target=shared_obj.say_hello)</c>): <c>ManagedProcess.Start(greeter, g => g.SayHelloAsync("Ann"))</c>.
    /// The expression names the method, which travels as its id, not as code; its arguments are evaluated here.
    /// </summary>
    /// <exception cref="ArgumentException">The expression is not one call of a method of the proxy.</exception>
    public static ManagedProcess Start<TProxy>(TProxy proxy, System.Linq.Expressions.Expression<Func<TProxy, Task>> call)
        where TProxy : class, IManagedObject
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(call);
        if (call.Body is not System.Linq.Expressions.MethodCallExpression { Method: var method } body
            || body.Object != call.Parameters[0] || method.DeclaringType is not { IsInterface: true } || method.IsGenericMethod)
        {
            throw new ArgumentException("The expression must be one call of a (non-generic) method of the proxy, as p => p.SayHelloAsync().", nameof(call));
        }
        object?[] arguments;
        try
        {
            // A cancellation token is bound to this process: the child's call gets none.
            arguments = body.Arguments
                .Select(a => a.Type == typeof(CancellationToken)
                    ? null
                    : System.Linq.Expressions.Expression.Lambda<Func<object?>>(System.Linq.Expressions.Expression.Convert(a, typeof(object))).Compile()())
                .ToArray();
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException("The method's arguments must not use the proxy parameter; they are evaluated before the child starts.", nameof(call), e);
        }
        return StartCore(new Func<IManagedObject, string, int, object?[], Task>(RunProxyMethodAsync), [proxy, TypeNames.Of(method.DeclaringType), method.MetadataToken, arguments]);
    }

    /// <summary>The child's side of a proxy-method target: find the interface method by its id and call it.</summary>
    private static async Task RunProxyMethodAsync(IManagedObject proxy, string interfaceType, int methodToken, object?[] arguments)
    {
        var type = Type.GetType(interfaceType, throwOnError: true)!;
        var method = type.GetMethods().Concat(type.GetInterfaces().SelectMany(i => i.GetMethods())).First(m => m.MetadataToken == methodToken);
        var parameters = method.GetParameters();
        var converted = arguments
            .Select((a, i) => parameters[i].ParameterType == typeof(CancellationToken) ? CancellationToken.None : ValueConverter.For(parameters[i].ParameterType)(a))
            .ToArray();
        if (method.Invoke(proxy, converted) is Task task)
        {
            await task.ConfigureAwait(false);
        }
    }

    private static ManagedProcess StartCore(Delegate target, object?[] args)
    {
        ArgumentNullException.ThrowIfNull(target);
        var method = target.Method;
        if (target.Target is not null || !method.IsStatic || method.DeclaringType is null)
        {
            throw new ArgumentException(
                $"The target {method.DeclaringType?.Name}.{method.Name} is a lambda or an instance method; a child process can only run a static method, named so it can be found again in the child. Pass the method's arguments to Start instead of capturing them.",
                nameof(target));
        }
        var trusted = new HashSet<string>(StringComparer.Ordinal);
        var runtime = FindRuntime(args, trusted);
        var arguments = (runtime?.Codec ?? new ValueCodec(new TypeAllowList([]), null, trustWrittenTypes: true)).EncodeAll(args);
        var payload = WorkerPayload.For(method, runtime?.HostAddress.ToString(), arguments, [.. trusted],
            runtime?.Settings.CallTimeout, runtime?.Settings.HandshakeTimeout).Encode();
        string? payloadFile = null;
        if (payload.Length > InlinePayloadLimit)
        {
            payloadFile = Path.GetTempFileName();
            File.WriteAllText(payloadFile, payload);
            payload = "@" + payloadFile;
        }
        var resultFile = Path.GetTempFileName();
        var start = ChildCommand();
        start.Environment[WorkerPayload.Variable] = payload;
        start.Environment[WorkerPayload.ResultVariable] = resultFile;
        if (runtime is not null)
        {
            start.Environment[WorkerPayload.KeyVariable] = Convert.ToHexString(runtime.AuthKey);
        }
        // The child's calls join the trace this start is part of (W3C's environment carrier, as OpenTelemetry reads it).
        var trace = Activity.Current?.Context ?? runtime?.InheritedTrace ?? default;
        if (Tracing.TraceParent(trace) is { } traceParent)
        {
            start.Environment[Tracing.TraceParentVariable] = traceParent;
            start.Environment[Tracing.TraceStateVariable] = trace.TraceState;
        }
        var hook = typeof(ManagedProcess).Assembly.Location;
        var existingHooks = Environment.GetEnvironmentVariable("DOTNET_STARTUP_HOOKS");
        start.Environment["DOTNET_STARTUP_HOOKS"] = string.IsNullOrEmpty(existingHooks) ? hook : hook + Path.PathSeparator + existingHooks;
        // Workers are many processes on the host's cores: idle thread-pool threads that spin before they sleep take the
        // cores the others need. A value the parent set (in its environment) is passed on unchanged.
        start.Environment.TryAdd(SpinLimitVariable, "0");
        var process = Process.Start(start) ?? throw new InvalidOperationException("The child process did not start.");
        return new ManagedProcess(process, resultFile, payloadFile, args);
    }

    private const string SpinLimitVariable = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";

    /// <summary>The command that starts this same program again: the app host, or the dotnet muxer with the same entry assembly and dependency files.</summary>
    private static ProcessStartInfo ChildCommand()
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        var start = new ProcessStartInfo(processPath) { UseShellExecute = false };
        if (!string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return start;
        }
        var entry = Assembly.GetEntryAssembly()?.Location;
        if (string.IsNullOrEmpty(entry))
        {
            throw new InvalidOperationException("The entry assembly of this process is unknown, so it cannot be started again.");
        }
        start.ArgumentList.Add("exec");
        if (AppContext.GetData("APP_CONTEXT_DEPS_FILES") is string depsFiles && depsFiles.Split(';')[0] is { Length: > 0 } deps)
        {
            start.ArgumentList.Add("--depsfile");
            start.ArgumentList.Add(deps);
            var runtimeConfig = deps.EndsWith(".deps.json", StringComparison.Ordinal) ? deps[..^".deps.json".Length] + ".runtimeconfig.json" : null;
            if (runtimeConfig is not null && File.Exists(runtimeConfig))
            {
                start.ArgumentList.Add("--runtimeconfig");
                start.ArgumentList.Add(runtimeConfig);
            }
        }
        start.ArgumentList.Add(entry);
        return start;
    }

    private static ClientRuntime? FindRuntime(object?[] args, HashSet<string> assemblies)
    {
        ClientRuntime? found = null;
        void Visit(object? value, int depth)
        {
            if (value is not null && (value is ManagedProxy ? null : value.GetType().Assembly.GetName().Name) is { } valueAssembly)
            {
                assemblies.Add(valueAssembly);
            }
            switch (value)
            {
                case ManagedProxy proxy:
                    foreach (var type in new[] { proxy.InterfaceType }.Concat(proxy.InterfaceType.GetGenericArguments()))
                    {
                        assemblies.Add(type.Assembly.GetName().Name!);
                    }
                    if (found is not null && !found.HostAddress.Equals(proxy.Runtime.HostAddress))
                    {
                        throw new ArgumentException("The arguments hold proxies of two different managers; a child process connects to one.");
                    }
                    found ??= proxy.Runtime;
                    break;
                case string or byte[]:
                    break;
                case IDictionary dictionary when depth < 3:
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        Visit(entry.Key, depth + 1);
                        Visit(entry.Value, depth + 1);
                    }
                    break;
                case IEnumerable items when depth < 3:
                    foreach (var item in items)
                    {
                        Visit(item, depth + 1);
                    }
                    break;
            }
        }
        foreach (var arg in args)
        {
            Visit(arg, 0);
        }
        return found;
    }

    private ManagedRemoteException? ReadError()
    {
        try
        {
            var text = File.Exists(_resultFile) ? File.ReadAllText(_resultFile) : "";
            if (text.Length == 0)
            {
                return null;
            }
            var failure = JsonSerializer.Deserialize<WorkerFailure>(text);
            return failure is null ? null : new ManagedRemoteException(failure.Type, failure.Message, failure.StackTrace);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
