using System.Diagnostics;
using System.Globalization;

namespace ManagedActors.LoadDriver;

/// <summary>
/// The cluster's false-down soak: three hosts (the shipped loopback profile, one SQLite journal) beside processes that
/// keep the machine's cores busy, and a client writing to 30 durable dicts through all three, for a fixed time. Every
/// two seconds it reads the membership; a member ever seen unreachable, or missing, counts as a false down (nothing was
/// killed). At the end one host gets SIGTERM under that load, and must leave and exit 0.
/// </summary>
internal static class Soak
{
    public static async Task<int> RunAsync(Options options)
    {
        var minutes = options.Double("minutes", 10);
        var busy = options.Int("busy", 2);
        await using var cluster = await ClusterHosts.StartAsync(3);
        await using var client = await Manager.ConnectAsync(cluster.Addresses, cluster.AuthKey);
        var dicts = new List<ManagedActors.Dicts.IManagedDict<string, int>>();
        for (var i = 0; i < 30; i++)
        {
            dicts.Add(await client.DictAsync<string, int>("soak-" + i.ToString(CultureInfo.InvariantCulture)));
        }
        var spinners = Enumerable.Range(0, busy).Select(_ => Child.Start("spin", ["--minutes", (minutes + 1).ToString(CultureInfo.InvariantCulture)])).ToList();
        var deadline = Stopwatch.StartNew();
        var writes = 0L;
        var failedCalls = 0L;
        var unreachableSeen = 0;
        var missingSeen = 0;
        var nextCheck = TimeSpan.Zero;
        try
        {
            while (deadline.Elapsed < TimeSpan.FromMinutes(minutes))
            {
                try
                {
                    var n = (int)(writes % dicts.Count);
                    await dicts[n].IncrementAsync("n", 1);
                    writes++;
                }
                catch (ManagedActorsException e)
                {
                    failedCalls++;
                    Console.Error.WriteLine($"soak {deadline.Elapsed:mm\\:ss}: a call failed: {e.GetType().Name}: {e.Message}");
                }
                if (deadline.Elapsed >= nextCheck)
                {
                    nextCheck = deadline.Elapsed + TimeSpan.FromSeconds(2);
                    var members = (await client.StatusAsync()).Members ?? [];
                    if (members.Any(m => m.Unreachable))
                    {
                        unreachableSeen++;
                        Console.Error.WriteLine($"soak {deadline.Elapsed:mm\\:ss}: unreachable: {string.Join(", ", members.Where(m => m.Unreachable).Select(m => m.ClientAddress))}");
                    }
                    if (members.Count(m => m.State == "Up") < 3)
                    {
                        missingSeen++;
                        Console.Error.WriteLine($"soak {deadline.Elapsed:mm\\:ss}: {members.Count(m => m.State == "Up")} of 3 members up");
                    }
                }
                await Task.Delay(5);
            }
            // A graceful stop under the same load: the host leaves, and exits 0.
            var leaving = cluster.Processes[2];
            using (var term = Process.Start("kill", ["-TERM", leaving.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }
            await leaving.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var exitCode = leaving.ExitCode;
            Console.Error.WriteLine($"soak: {minutes} min, {busy} busy processes, {writes} writes ({failedCalls} failed), " +
                $"{unreachableSeen} checks with a member unreachable, {missingSeen} with fewer than 3 up; SIGTERM under load exited {exitCode}");
            Console.WriteLine(new Figure("managedactors", "cluster_soak", 3, 1, writes / deadline.Elapsed.TotalSeconds,
                Lost: unreachableSeen + missingSeen).ToJson());
            return unreachableSeen + missingSeen == 0 && exitCode == 0 && failedCalls == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var spinner in spinners)
            {
                if (!spinner.HasExited)
                {
                    spinner.Kill();
                }
                spinner.Dispose();
            }
        }
    }

    /// <summary>A process that keeps one core busy until its time is up (the <c>spin</c> role).</summary>
    public static int Spin(Options options)
    {
        var until = Stopwatch.StartNew();
        var limit = TimeSpan.FromMinutes(options.Double("minutes", 11));
        var x = 0UL;
        while (until.Elapsed < limit)
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                x = x * 6364136223846793005UL + 1442695040888963407UL;
            }
        }
        return (int)(x & 1);
    }
}
