using Akka.Actor;
using ManagedActors.Client;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Client;

/// <summary>Where a client goes when its host is lost: the order of the hosts, their shares of the time, the list learned and refreshed.</summary>
public sealed class FailoverSpec
{
    private static readonly Address A = Host(7000), B = Host(7010), C = Host(7020);

    private static Address Host(int port) => ManagerClient.ParseAddress("127.0.0.1:" + port);

    private static string Named(Address host) => host.ToString();

    /// <summary>A fake admission: hosts in <paramref name="down"/> do not answer, the others admit and name <paramref name="contacts"/>.</summary>
    private static AdmitAt Admit(List<(Address Host, TimeSpan Timeout)> tried, IReadOnlyCollection<Address> down, params Address[] contacts) =>
        (host, timeout, _) =>
        {
            lock (tried)
            {
                tried.Add((host, timeout));
            }
            return down.Contains(host)
                ? Task.FromException<(Admission, string[])>(new HostUnavailableException($"{host} does not answer."))
                : Task.FromResult((new Admission(Guid.NewGuid(), Guid.NewGuid()), contacts.Select(Named).ToArray()));
        };

    [Fact]
    public async Task A_first_connection_tries_the_given_hosts_in_order_until_one_answers()
    {
        var failover = new Failover([A, B, C]);
        var tried = new List<(Address Host, TimeSpan Timeout)>();

        var (host, _) = await failover.ConnectAsync(A, afterLoss: false, TimeSpan.FromSeconds(30), Admit(tried, [A]), CancellationToken.None);

        Assert.Equal(B, host);
        Assert.Equal([A, B], tried.Select(t => t.Host));
    }

    [Fact]
    public async Task After_a_loss_the_next_host_goes_first_and_the_lost_one_last()
    {
        var failover = new Failover([A, B, C]);
        var tried = new List<(Address Host, TimeSpan Timeout)>();

        var (host, _) = await failover.ConnectAsync(B, afterLoss: true, TimeSpan.FromSeconds(30), Admit(tried, [C, A]), CancellationToken.None);

        Assert.Equal(B, host);
        Assert.Equal([C, A, B], tried.Select(t => t.Host));
    }

    [Fact]
    public async Task Each_host_gets_its_share_of_the_time_and_the_last_one_what_is_left()
    {
        var failover = new Failover([A, B, C]);
        var tried = new List<(Address Host, TimeSpan Timeout)>();

        await failover.ConnectAsync(A, afterLoss: false, TimeSpan.FromSeconds(30), Admit(tried, [A, B]), CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(10), tried[0].Timeout);
        Assert.Equal(TimeSpan.FromSeconds(10), tried[1].Timeout);
        Assert.True(tried[2].Timeout > TimeSpan.FromSeconds(20), $"The last host had {tried[2].Timeout}, not what was left of 30 s.");
    }

    [Fact]
    public async Task A_host_gets_at_least_two_seconds_however_many_hosts_there_are()
    {
        var failover = new Failover([A, B, C]);
        var tried = new List<(Address Host, TimeSpan Timeout)>();

        await failover.ConnectAsync(A, afterLoss: false, TimeSpan.FromSeconds(3), Admit(tried, [A]), CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(2), tried[0].Timeout);
    }

    [Fact]
    public async Task An_exhausted_list_fails_with_the_last_host_s_error()
    {
        var failover = new Failover([A, B]);
        var tried = new List<(Address Host, TimeSpan Timeout)>();

        var error = await Assert.ThrowsAsync<HostUnavailableException>(() =>
            failover.ConnectAsync(A, afterLoss: false, TimeSpan.FromSeconds(10), Admit(tried, [A, B]), CancellationToken.None));

        Assert.Contains(B.ToString(), error.Message);
        Assert.Equal([A, B], tried.Select(t => t.Host));
    }

    [Fact]
    public async Task A_wrong_key_ends_the_search_at_once()
    {
        var failover = new Failover([A, B]);
        var tried = new List<Address>();
        AdmitAt refuse = (host, _, _) =>
        {
            tried.Add(host);
            return Task.FromException<(Admission, string[])>(new AuthenticationException("The key does not match."));
        };

        await Assert.ThrowsAsync<AuthenticationException>(() => failover.ConnectAsync(A, afterLoss: false, TimeSpan.FromSeconds(10), refuse, CancellationToken.None));

        Assert.Equal([A], tried);
    }

    [Fact]
    public async Task The_hosts_a_host_names_come_first_and_the_given_ones_it_did_not_name_stay()
    {
        var failover = new Failover([A, B]);
        Assert.False(failover.KnowsCluster);

        await failover.ConnectAsync(A, afterLoss: false, TimeSpan.FromSeconds(10), Admit([], [], C, A), CancellationToken.None);

        Assert.True(failover.KnowsCluster);
        Assert.True(failover.HasAlternatives);
        Assert.Equal([C, A, B], failover.Contacts);
    }

    [Fact]
    public async Task A_given_host_the_cluster_stopped_naming_is_tried_again_and_comes_back()
    {
        // A was down when B named the cluster's hosts (only B); A stays in the list, after B.
        var failover = new Failover([A, B]);
        await failover.ConnectAsync(A, afterLoss: false, TimeSpan.FromSeconds(10), Admit([], [A], B), CancellationToken.None);
        Assert.Equal([B, A], failover.Contacts);

        // B is lost; A is back and is tried first.
        var tried = new List<(Address Host, TimeSpan Timeout)>();
        var (host, _) = await failover.ConnectAsync(B, afterLoss: true, TimeSpan.FromSeconds(10), Admit(tried, [B], A, B), CancellationToken.None);

        Assert.Equal(A, host);
        Assert.Equal([A], tried.Select(t => t.Host));
        Assert.Equal([A, B], failover.Contacts);
    }

    [Fact]
    public async Task A_single_host_is_the_only_one_tried_and_there_is_no_alternative()
    {
        var failover = new Failover([A]);
        var tried = new List<(Address Host, TimeSpan Timeout)>();

        var (host, _) = await failover.ConnectAsync(A, afterLoss: true, TimeSpan.FromSeconds(10), Admit(tried, []), CancellationToken.None);

        Assert.Equal(A, host);
        Assert.False(failover.HasAlternatives);
        Assert.Equal(TimeSpan.FromSeconds(10), tried.Single().Timeout);
    }

    [Fact]
    public async Task Refreshing_learns_the_hosts_skips_a_failed_round_and_ends_with_the_client()
    {
        var failover = new Failover([A]);
        using var stopping = new CancellationTokenSource();
        var rounds = 0;
        var learned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refreshing = failover.RefreshAsync(TimeSpan.FromMilliseconds(10), _ =>
        {
            // The first round fails (the host is being replaced); the second names the cluster's hosts.
            if (Interlocked.Increment(ref rounds) == 1)
            {
                return Task.FromException<string[]>(new HostUnavailableException("Being replaced."));
            }
            learned.TrySetResult();
            return Task.FromResult(new[] { Named(B), Named(A) });
        }, stopping.Token);

        await learned.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Bounded.EventuallyAsync(() => Task.FromResult(failover.Contacts.SequenceEqual([B, A])), "the refreshed hosts");
        await stopping.CancelAsync();
        await refreshing.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(failover.KnowsCluster);
    }

    [Fact]
    public async Task Refreshing_ends_when_the_manager_shuts_down()
    {
        var failover = new Failover([A]);
        var refreshing = failover.RefreshAsync(TimeSpan.FromMilliseconds(10),
            _ => Task.FromException<string[]>(new ManagerShutDownException("The manager's host shut down.")), CancellationToken.None);

        await refreshing.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(refreshing.IsCompletedSuccessfully);
    }
}
