using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using ManagedActors.Codec;
using ManagedActors.Configuration;
using ManagedActors.Hosting;
using ManagedActors.Journaling;
using ManagedActors.Lists;
using ManagedActors.ObjectDirectory;
using ManagedActors.Protocol;
using ManagedActors.Runtime;
using ManagedActors.Sessions;
using ManagedActors.Tests.Security;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Hosting;

/// <summary>The seam between the directory and the actors that run objects, as the directory uses it.</summary>
public sealed class ObjectRouterSpec : TestKit
{
    private readonly HostContext _host;

    public ObjectRouterSpec(ITestOutputHelper output)
        : base(ConfigurationFactory.ParseString("akka.actor.serialize-messages = off").WithFallback(ManagedActorsConfig.Default), output: output)
    {
        var settings = ManagerSettings.Create(Sys.Settings.Config);
        _host = new HostContext(new ValueCodec(new TypeAllowList([]), null, false), new SessionTable(), settings, Guid.NewGuid(), "local",
            new KindTable(BuiltInKinds.All));
    }

    /// <summary>Stands where the directory stands: it owns a local router and does what it is told with it.</summary>
    private sealed class RouterOwner : ReceiveActor
    {
        public RouterOwner(HostContext host, IActorRef probe)
        {
            var router = new LocalObjectRouter(Context, host, DurabilitySettings.Create(Context.System.Settings.Config));
            var list = host.Kinds.Find(KindNames.List)!;
            Receive<string>(id => Sender.Tell(router.Start(list, list.Create([null], host), new Spawn("o-" + id, id, null, [], new ObjectGauge()))));
            Receive<(string Verb, string Id)>(m =>
            {
                router.Forget(m.Id);
                Sender.Tell("forgot");
            });
            Receive<Terminated>(t => probe.Tell(router.StoppedOnItsOwn(t.ActorRef) ?? "stopped by the router"));
        }
    }

    [Fact]
    public async Task An_object_is_started_at_its_path_forgotten_and_a_stop_on_its_own_is_reported_with_its_id()
    {
        var reports = CreateTestProbe();
        var owner = Sys.ActorOf(Props.Create(() => new RouterOwner(_host, reports.Ref)));
        var path = await owner.Ask<string>("a", TimeSpan.FromSeconds(5));
        Assert.EndsWith("/o-a", path.Split('#')[0]);
        var actor = ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(path);
        var session = _host.Sessions.Open(TestActor);
        var append = InterfaceContract.For(typeof(IManagedList<>)).RemoteMethods.Single(m => m.Method.Name == "AppendAsync").Id;
        actor.Tell(new Calls(session, [new CallRequest(1, append, Wire.Args(7))]));
        Assert.False((await ExpectMsgAsync<Results>()).Items.Single().IsFault);

        Watch(actor);
        Assert.Equal("forgot", await owner.Ask<string>(("forget", "a"), TimeSpan.FromSeconds(5)));
        await ExpectTerminatedAsync(actor);
        Assert.Equal("stopped by the router", await reports.ExpectMsgAsync<string>());

        var b = ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(await owner.Ask<string>("b", TimeSpan.FromSeconds(5)));
        Sys.Stop(b);
        Assert.Equal("b", await reports.ExpectMsgAsync<string>());
        // Forgotten by the stop: forgetting it again is nothing to do.
        Assert.Equal("forgot", await owner.Ask<string>(("forget", "b"), TimeSpan.FromSeconds(5)));
    }
}
