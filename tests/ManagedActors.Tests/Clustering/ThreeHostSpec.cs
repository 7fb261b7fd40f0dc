using System.Security.Cryptography;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Clustering;

/// <summary>
/// A spec whose every test gets a fresh in-process cluster of three hosts on one SQLite journal
/// (<see cref="ClusterSession.StartHostsAsync"/>). A test that stops a host removes it from <see cref="Hosts"/>; the
/// others are disposed after the test, newest first.
/// </summary>
public abstract class ThreeHostSpec : IAsyncLifetime, IDisposable
{
    protected static readonly byte[] AuthKey = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] ClusterKey = RandomNumberGenerator.GetBytes(32);
    private readonly TempStore _store = new();

    /// <summary>The running hosts, oldest (the first seed) first.</summary>
    protected List<Manager> Hosts { get; } = [];

    public Task InitializeAsync() => ClusterSession.StartHostsAsync(Hosts, _store, AuthKey, ClusterKey);

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(Hosts))
        {
            await host.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _store.Dispose();
        GC.SuppressFinalize(this);
    }
}
