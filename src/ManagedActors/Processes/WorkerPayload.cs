using System.Reflection;
using ManagedActors.Codec;

namespace ManagedActors.Processes;

/// <summary>
/// What a child process needs to run its target: the method's identity, the host, the encoded arguments, and the
/// parent's client settings (a child on a loaded machine waits as long as its parent would).
/// </summary>
internal sealed record WorkerPayload(
    string AssemblyPath,
    string AssemblyName,
    string TypeName,
    string MethodName,
    int MetadataToken,
    string? HostAddress,
    byte[] Arguments,
    IReadOnlyList<string> TrustedAssemblies,
    TimeSpan? CallTimeout = null,
    TimeSpan? HandshakeTimeout = null)
{
    /// <summary>Environment variable with the base64 payload (or "@path" to a file holding it).</summary>
    public const string Variable = "MANAGEDACTORS_WORKER";

    /// <summary>Environment variable with the authkey, in hex: never on the command line.</summary>
    public const string KeyVariable = "MANAGEDACTORS_WORKER_AUTHKEY";

    /// <summary>Environment variable with the file the child reports a failure in.</summary>
    public const string ResultVariable = "MANAGEDACTORS_WORKER_RESULT";

    private const byte Version = 2;

    public static WorkerPayload For(MethodInfo method, string? hostAddress, byte[] arguments, IReadOnlyList<string> trusted, TimeSpan? callTimeout, TimeSpan? handshakeTimeout) => new(
        method.Module.Assembly.Location,
        method.Module.Assembly.GetName().Name ?? "",
        method.DeclaringType!.FullName!,
        method.Name,
        method.MetadataToken,
        hostAddress,
        arguments,
        trusted,
        callTimeout,
        handshakeTimeout);

    public string Encode()
    {
        using var w = new WireWriter();
        w.WriteByte(Version);
        w.WriteString(AssemblyPath);
        w.WriteString(AssemblyName);
        w.WriteString(TypeName);
        w.WriteString(MethodName);
        w.WriteInt32(MetadataToken);
        w.WriteString(HostAddress);
        w.WriteBytes(Arguments);
        w.WriteVarUInt((ulong)TrustedAssemblies.Count);
        foreach (var assembly in TrustedAssemblies)
        {
            w.WriteString(assembly);
        }
        w.WriteVarInt(CallTimeout?.Ticks ?? -1);
        w.WriteVarInt(HandshakeTimeout?.Ticks ?? -1);
        return Convert.ToBase64String(w.WrittenSpan);
    }

    public static WorkerPayload Decode(string text)
    {
        var r = new WireReader(Convert.FromBase64String(text));
        if (r.ReadByte() != Version)
        {
            throw new FormatException("Unknown worker payload version.");
        }
        var assemblyPath = r.ReadRequiredString();
        var assemblyName = r.ReadRequiredString();
        var typeName = r.ReadRequiredString();
        var methodName = r.ReadRequiredString();
        var token = r.ReadInt32();
        var host = r.ReadString();
        var arguments = r.ReadBytes();
        var trusted = new string[r.ReadCount()];
        for (var i = 0; i < trusted.Length; i++)
        {
            trusted[i] = r.ReadRequiredString();
        }
        var callTimeout = r.ReadVarInt();
        var handshakeTimeout = r.ReadVarInt();
        return new WorkerPayload(assemblyPath, assemblyName, typeName, methodName, token, host, arguments, trusted,
            callTimeout < 0 ? null : new TimeSpan(callTimeout), handshakeTimeout < 0 ? null : new TimeSpan(handshakeTimeout));
    }

    /// <summary>Finds the target in the child: by metadata token in the same build of the same assembly, checked by name.</summary>
    public MethodInfo ResolveMethod()
    {
        var assembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == AssemblyName)
            ?? Assembly.LoadFrom(AssemblyPath);
        var method = assembly.ManifestModule.ResolveMethod(MetadataToken) as MethodInfo;
        if (method is null || method.Name != MethodName || method.DeclaringType?.FullName != TypeName)
        {
            throw new InvalidOperationException($"The target {TypeName}.{MethodName} was not found in {AssemblyName}; is the child running the same build?");
        }
        return method;
    }
}
