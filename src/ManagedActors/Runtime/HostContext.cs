using Akka.Dispatch;
using ManagedActors.Codec;
using ManagedActors.Configuration;
using ManagedActors.Objects;
using ManagedActors.Sessions;
using ManagedActors.Telemetry;

namespace ManagedActors.Runtime;

/// <summary>What every object actor of one host shares; built once when the host starts, never changed after.</summary>
/// <param name="codec">The host's value codec (no materializer: references stay references on a host).</param>
/// <param name="sessions">The sessions the host admitted, which every call is checked against.</param>
/// <param name="settings">The <c>managed-actors</c> section.</param>
/// <param name="incarnation">This run of the host: references carry it, so a proxy knows when its host restarted.</param>
/// <param name="hostAddress">The host's client-facing address.</param>
/// <param name="kinds">The object kinds it can create; none when null.</param>
/// <param name="objectDispatcher">The dispatcher object actors run on; Akka's default when null.</param>
/// <param name="instruments">Where calls, waits, journal writes and restarts are measured; the process's own meter when null.</param>
internal sealed class HostContext(
    ValueCodec codec, SessionTable sessions, ManagerSettings settings, Guid incarnation, string hostAddress, KindTable? kinds = null,
    string? objectDispatcher = null, Instruments? instruments = null) : IObjectHost
{
    public Instruments Instruments { get; } = instruments ?? Instruments.Shared;

    /// <summary>The host's objects by kind, kept by its directory, read by the <c>managedactors.objects</c> instrument.</summary>
    public KindCounts Objects { get; } = new();

    public ValueCodec Codec { get; } = codec;

    public SessionTable Sessions { get; } = sessions;

    public ManagerSettings Settings { get; } = settings;

    public Guid Incarnation { get; } = incarnation;

    public string HostAddress { get; } = hostAddress;

    /// <summary>The object kinds this host can create, built-in and registered.</summary>
    public KindTable Kinds { get; } = kinds ?? new KindTable([]);

    /// <summary>
    /// The dispatcher object actors run on: <see cref="ManagedActorsConfig.ObjectDispatcher"/> (a lane's reader serves an
    /// idle object itself), or Akka's default in a system whose configuration does not have it.
    /// </summary>
    public string ObjectDispatcher { get; } = objectDispatcher ?? Dispatchers.DefaultDispatcherId;

    public string DescribeSession(Guid session) => Sessions.Describe(session);
}
