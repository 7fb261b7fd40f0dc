using Akka;
using Akka.Actor;
using Akka.Hosting;

namespace ManagedActors.Hosting;

/// <summary>
/// Managed objects inside an ActorSystem built with Akka.Hosting, beside the application's own actors:
/// <code>
/// services.AddAkka("simulation", builder => builder.WithManagedActorsHost(key, started: manager => ...));
/// </code>
/// </summary>
public static class AkkaHostingExtensions
{
    /// <summary>
    /// Makes the system a host: remoting (<see cref="ProviderSelection.Remote"/>), the library's settings
    /// (<see cref="ManagedActorsSystem.HostConfig"/>, appended under the application's own HOCON), the serializers that
    /// keep peers from building arbitrary types and the transport that proves <paramref name="authKey"/>
    /// (<see cref="ManagedActorsSystem.Setups"/>). The host starts once the system has, <paramref name="started"/> gets
    /// its manager, and it stops in the system's coordinated shutdown, before the system's remoting does.
    /// </summary>
    /// <remarks>
    /// The whole system runs in Akka.Remote's untrusted mode, and Akka's serializers that build a type the sender names
    /// are replaced: see <see cref="ManagedActorsSystem.HostConfig"/>, <see cref="ManagedActorsSystem.Setups"/> and
    /// docs/security.md for what that means for the application's own actors.
    /// </remarks>
    /// <param name="builder">The system's builder.</param>
    /// <param name="authKey">The key clients prove, at least 16 bytes.</param>
    /// <param name="configure">Registered types, trusted assemblies, call timeout; hostname, port and HOCON come from the system.</param>
    /// <param name="started">Called with the manager once the host runs.</param>
    public static AkkaConfigurationBuilder WithManagedActorsHost(
        this AkkaConfigurationBuilder builder, byte[] authKey, Func<ManagerOptions, ManagerOptions>? configure = null, Action<Manager>? started = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var setups = ManagedActorsSystem.Setups(authKey);
        builder.WithActorRefProvider(ProviderSelection.Remote.Instance);
        builder.AddHocon(ManagedActorsSystem.HostConfig, HoconAddMode.Append);
        foreach (var setup in setups)
        {
            builder.AddSetup(setup);
        }
        builder.AddStartup(async (system, _) =>
        {
            var options = (configure ?? (o => o))(new ManagerOptions { AuthKey = authKey });
            var manager = await system.StartManagedActorsAsync(options).ConfigureAwait(false);
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "managed-actors-host", async () =>
            {
                await manager.DisposeAsync().ConfigureAwait(false);
                return Done.Instance;
            });
            started?.Invoke(manager);
        });
        return builder;
    }
}
