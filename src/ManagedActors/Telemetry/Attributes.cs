namespace ManagedActors.Telemetry;

/// <summary>The attribute names and fixed values of the <c>ManagedActors</c> meter and activity source.</summary>
internal static class Attributes
{
    /// <summary>OpenTelemetry's RPC system attribute, and the value that names this library's calls.</summary>
    public const string RpcSystem = "rpc.system.name", System = "managed_actors";

    /// <summary>The method: <c>{kind}/{Method}</c>, say <c>dict/Set</c>.</summary>
    public const string RpcMethod = "rpc.method";

    /// <summary>A failed call's error: the exception's type name.</summary>
    public const string ErrorType = "error.type";

    /// <summary>The object's kind (<c>dict</c>, <c>queue</c>, a registered type's id).</summary>
    public const string Kind = "managedactors.object.kind";

    /// <summary>A lane frame's direction: <c>transmit</c> or <c>receive</c>.</summary>
    public const string Direction = "network.io.direction";

    /// <summary>A cluster member's status (<c>up</c>, <c>joining</c>, <c>leaving</c>...).</summary>
    public const string MemberStatus = "managedactors.member.status";

    public static readonly KeyValuePair<string, object?> Transmit = new(Direction, "transmit"), Receive = new(Direction, "receive");
}
