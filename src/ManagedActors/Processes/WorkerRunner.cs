using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using ManagedActors.Codec;
using ManagedActors.Telemetry;

namespace ManagedActors.Processes;

/// <summary>The child side of <c>ManagedProcess</c>: connect, rebuild the arguments, run the target, exit.</summary>
internal static class WorkerRunner
{
    private static int _ran;

    /// <summary>Runs the target and exits the process when this process was started as a worker; otherwise returns.</summary>
    public static void RunIfRequested()
    {
        var payloadText = Environment.GetEnvironmentVariable(WorkerPayload.Variable);
        if (string.IsNullOrEmpty(payloadText) || Interlocked.Exchange(ref _ran, 1) != 0)
        {
            return;
        }
        var key = Environment.GetEnvironmentVariable(WorkerPayload.KeyVariable);
        var resultFile = Environment.GetEnvironmentVariable(WorkerPayload.ResultVariable);
        // The worker's own children are ordinary processes unless it starts workers itself.
        foreach (var variable in new[] { WorkerPayload.Variable, WorkerPayload.KeyVariable, WorkerPayload.ResultVariable, "DOTNET_STARTUP_HOOKS" })
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
        ResolveDependenciesBesideTheLibrary();
        int exitCode;
        try
        {
            if (payloadText.StartsWith('@'))
            {
                payloadText = File.ReadAllText(payloadText[1..]);
            }
            RunAsync(WorkerPayload.Decode(payloadText), key).GetAwaiter().GetResult();
            exitCode = 0;
        }
        catch (Exception e)
        {
            var error = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
            Console.Error.WriteLine($"ManagedProcess target failed: {error}");
            Report(resultFile, error);
            exitCode = 1;
        }
        Console.Out.Flush();
        Console.Error.Flush();
        Environment.Exit(exitCode);
    }

    private static async Task RunAsync(WorkerPayload payload, string? keyHex)
    {
        var method = payload.ResolveMethod();
        // The child is the same program: it trusts the assemblies of the values and proxies its parent sent.
        var trusted = method.GetParameters().Select(p => p.ParameterType.Assembly)
            .Append(method.Module.Assembly)
            .Concat(payload.TrustedAssemblies.Select(LoadTrusted).OfType<Assembly>())
            .Distinct()
            .ToArray();
        ManagerClient? client = null;
        try
        {
            ValueCodec codec;
            if (payload.HostAddress is not null)
            {
                var key = Convert.FromHexString(keyHex ?? throw new AuthenticationException("The worker was started without the manager's authkey."));
                var options = new ClientOptions
                {
                    TrustedAssemblies = trusted, CallTimeout = payload.CallTimeout, HandshakeTimeout = payload.HandshakeTimeout, SystemName = "managed-actors-worker",
                };
                client = await Manager.ConnectAsync(payload.HostAddress, key, options).ConfigureAwait(false);
                codec = client.Runtime.Codec;
                client.Runtime.InheritedTrace = Tracing.Inherited(
                    Environment.GetEnvironmentVariable(Tracing.TraceParentVariable), Environment.GetEnvironmentVariable(Tracing.TraceStateVariable));
                ManagedProcess.Connection = client;
            }
            else
            {
                codec = new ValueCodec(new TypeAllowList(trusted), null, trustWrittenTypes: false);
            }
            var args = DecodeArguments(codec, payload.Arguments, method.GetParameters());
            var result = method.Invoke(null, args);
            if (result is Task task)
            {
                await task.ConfigureAwait(false);
            }
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static Assembly? LoadTrusted(string name)
    {
        try
        {
            return Assembly.Load(new AssemblyName(name));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }

    private static object?[] DecodeArguments(ValueCodec codec, byte[] bytes, ParameterInfo[] parameters)
    {
        var args = codec.DecodeArguments(bytes, parameters.Length);
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = ValueConverter.For(parameters[i].ParameterType)(args[i]);
        }
        return args;
    }

    private static void Report(string? resultFile, Exception error)
    {
        if (string.IsNullOrEmpty(resultFile))
        {
            return;
        }
        try
        {
            File.WriteAllText(resultFile, JsonSerializer.Serialize(new WorkerFailure(error.GetType().FullName ?? error.GetType().Name, error.Message, error.StackTrace)));
        }
        catch (IOException)
        {
            // The parent still sees the exit code and the message on stderr.
        }
    }

    /// <summary>
    /// A worker may start as another program's process (the test host, say) whose dependency list does not
    /// name the library's own dependencies; they sit beside the library.
    /// </summary>
    private static void ResolveDependenciesBesideTheLibrary()
    {
        var directory = Path.GetDirectoryName(typeof(WorkerRunner).Assembly.Location);
        if (directory is null)
        {
            return;
        }
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            var candidate = Path.Combine(directory, name.Name + ".dll");
            return File.Exists(candidate) ? context.LoadFromAssemblyPath(candidate) : null;
        };
    }
}

/// <summary>How a child reports its target's exception to the parent.</summary>
internal sealed record WorkerFailure(string Type, string Message, string? StackTrace);
