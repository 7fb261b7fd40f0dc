using ManagedActors.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ManagedActors.Tests.Journaling.Upgrade.V1
{
    /// <summary>Version 1 of a registered type's interface.</summary>
    public interface IScore : IManagedObject
    {
        Task<int> AddAsync(int points, CancellationToken cancellationToken = default);

        Task<int> TwiceAsync(CancellationToken cancellationToken = default);

        [ReadOnlyCall]
        Task<int> TotalAsync(CancellationToken cancellationToken = default);
    }

    public sealed class Score
    {
        private int _total;

        public int Add(int points) => _total += points;

        public int Twice() => _total *= 2;

        public int Total() => _total;
    }
}

namespace ManagedActors.Tests.Journaling.Upgrade.V2
{
    /// <summary>
    /// Version 2, in another namespace: <c>AddAsync</c> renamed (its old key kept as an alias) and given a parameter
    /// with a default, <c>TwiceAsync</c> unchanged, one method added.
    /// </summary>
    public interface IScore : IManagedObject
    {
        [ManagedMethod(Aliases = ["IScore.AddAsync"])]
        Task<int> GainAsync(int points, int times = 1, CancellationToken cancellationToken = default);

        Task<int> TwiceAsync(CancellationToken cancellationToken = default);

        Task ResetAsync(CancellationToken cancellationToken = default);

        [ReadOnlyCall]
        Task<int> TotalAsync(CancellationToken cancellationToken = default);
    }

    public sealed class Score
    {
        private int _total;

        public int Gain(int points, int times) => _total += points * times;

        public int Twice() => _total *= 2;

        public void Reset() => _total = 0;

        public int Total() => _total;
    }
}

namespace ManagedActors.Tests.Journaling.Upgrade.V3
{
    /// <summary>Version 3 drops the method version 1 journaled calls of, and maps nothing to it.</summary>
    public interface IScore : IManagedObject
    {
        Task<int> TwiceAsync(CancellationToken cancellationToken = default);

        [ReadOnlyCall]
        Task<int> TotalAsync(CancellationToken cancellationToken = default);
    }

    public sealed class Score
    {
        private int _total;

        public int Twice() => _total *= 2;

        public int Total() => _total;
    }
}

namespace ManagedActors.Tests.Journaling.Upgrade.V4
{
    /// <summary>Version 4: adding points now takes a long and a reason with no default, which an upcaster fills in.</summary>
    public interface IScore : IManagedObject
    {
        Task<long> RecordAsync(long points, string reason, CancellationToken cancellationToken = default);

        Task<long> TwiceAsync(CancellationToken cancellationToken = default);

        [ReadOnlyCall]
        Task<List<string>> ReasonsAsync(CancellationToken cancellationToken = default);

        [ReadOnlyCall]
        Task<long> TotalAsync(CancellationToken cancellationToken = default);
    }

    public sealed class Score
    {
        private readonly List<string> _reasons = [];
        private long _total;

        public long Record(long points, string reason)
        {
            _reasons.Add(reason);
            return _total += points;
        }

        public long Twice() => _total *= 2;

        public List<string> Reasons() => [.. _reasons];

        public long Total() => _total;
    }
}

namespace ManagedActors.Tests.Journaling
{
    /// <summary>Two methods that would answer to one journal key with as many arguments.</summary>
    public interface IClashingKeys : IManagedObject
    {
        [ManagedMethod("score.add")]
        Task AddAsync(int points, CancellationToken cancellationToken = default);

        [ManagedMethod(Aliases = ["score.add"])]
        Task GainAsync(int points, CancellationToken cancellationToken = default);
    }

    /// <summary>Overloads of one name and arity: their default keys carry their parameter types.</summary>
    public interface IOverloads : IManagedObject
    {
        Task PutAsync(int value, CancellationToken cancellationToken = default);

        Task PutAsync(string value, CancellationToken cancellationToken = default);

        Task PutAsync(string value, int times, CancellationToken cancellationToken = default);
    }

    /// <summary>
    /// A durable object's journal outlives a new version of its code: its calls are journaled by method key, found again
    /// through aliases and defaults, and refused with a message that says what to do when nothing maps them.
    /// </summary>
    public sealed class JournalVersionSpec : IDisposable
    {
        private readonly TempStore _store = new();

        private ManagerOptions Options => new() { DurableStore = _store.PathOf("scores.db"), DefaultDurability = Durability.Durable };

        public void Dispose() => _store.Dispose();

        /// <summary>Version 1 writes 5 points, doubles them and adds 1: 11.</summary>
        private async Task WriteVersionOneAsync()
        {
            await using var v1 = await Manager.StartAsync(Options.Register<Upgrade.V1.IScore, Upgrade.V1.Score>("Score", () => new Upgrade.V1.Score()));
            var score = await v1.CreateAsync<Upgrade.V1.IScore>("Score", "match");
            await score.AddAsync(5).Within();
            await score.TwiceAsync().Within();
            Assert.Equal(11, await score.AddAsync(1).Within());
        }

        [Fact]
        public async Task A_renamed_method_in_a_moved_interface_with_a_new_defaulted_parameter_recovers_every_journaled_call()
        {
            await WriteVersionOneAsync();

            await using (var v2 = await Manager.StartAsync(Options.Register<Upgrade.V2.IScore, Upgrade.V2.Score>("Score", () => new Upgrade.V2.Score())))
            {
                var score = await v2.CreateAsync<Upgrade.V2.IScore>("Score", "match");
                Assert.Equal(11, await score.TotalAsync().Within());
                // Version 2 journals under its own keys; a restart of version 2 reads both generations.
                Assert.Equal(17, await score.GainAsync(3, times: 2).Within());
            }
            await using var again = await Manager.StartAsync(Options.Register<Upgrade.V2.IScore, Upgrade.V2.Score>("Score", () => new Upgrade.V2.Score()));
            Assert.Equal(17, await (await again.CreateAsync<Upgrade.V2.IScore>("Score", "match")).TotalAsync().Within());
        }

        [Fact]
        public async Task A_journaled_method_that_nothing_maps_refuses_the_object_with_what_to_write_and_changes_nothing()
        {
            await WriteVersionOneAsync();

            await using (var v3 = await Manager.StartAsync(Options.Register<Upgrade.V3.IScore, Upgrade.V3.Score>("Score", () => new Upgrade.V3.Score())))
            {
                var score = await v3.CreateAsync<Upgrade.V3.IScore>("Score", "match");
                var refused = await Assert.ThrowsAsync<JournalVersionException>(() => score.TotalAsync()).Within();
                // The method's key, the object, the event (1 is the creation, 2 the first call) and the attribute that maps it.
                Assert.Contains("'IScore.AddAsync'", refused.Message);
                Assert.Contains("'match'", refused.Message);
                Assert.Contains("at event 2", refused.Message);
                Assert.Contains("[ManagedMethod(Aliases = [\"IScore.AddAsync\"])]", refused.Message);
                // A change is refused too, and none reaches the journal.
                await Assert.ThrowsAsync<JournalVersionException>(() => score.TwiceAsync()).Within();
            }
            // The code that maps the method reads the journal as version 1 left it.
            await using var v2 = await Manager.StartAsync(Options.Register<Upgrade.V2.IScore, Upgrade.V2.Score>("Score", () => new Upgrade.V2.Score()));
            Assert.Equal(11, await (await v2.CreateAsync<Upgrade.V2.IScore>("Score", "match")).TotalAsync().Within());
        }

        [Fact]
        public async Task An_upcaster_replays_calls_whose_parameters_changed_past_what_a_default_covers_and_one_that_throws_refuses_the_object()
        {
            await WriteVersionOneAsync();
            var v4Options = Options.Register<Upgrade.V4.IScore, Upgrade.V4.Score>("Score", () => new Upgrade.V4.Score());

            await using (var v4 = await Manager.StartAsync(v4Options.Upcast("Score", "IScore.AddAsync", 1, args => args[0] is int points && points > 100
                ? throw new ArgumentException("points out of range")
                : new JournaledCall("IScore.RecordAsync", [(long)(int)args[0]!, "version 1"]))))
            {
                var score = await v4.CreateAsync<Upgrade.V4.IScore>("Score", "match");
                Assert.Equal(11L, await score.TotalAsync().Within());
                Assert.Equal(["version 1", "version 1"], await score.ReasonsAsync().Within());
            }

            // An upcaster that throws: the object refuses, naming the event and the upcaster's error.
            await using var failing = await Manager.StartAsync(v4Options.Upcast("Score", "IScore.AddAsync", 1, _ => throw new FormatException("no")));
            var refused = await Assert.ThrowsAsync<JournalVersionException>(async () =>
                await (await failing.CreateAsync<Upgrade.V4.IScore>("Score", "match")).TotalAsync()).Within();
            Assert.Contains("at event 2, a call of 'IScore.AddAsync', which its upcaster failed on: FormatException: no", refused.Message);
            Assert.Throws<InvalidOperationException>(() => Options.Upcast("Nothing", "IScore.AddAsync", 1, args => new JournaledCall("x", args)));
        }

        [Fact]
        public void Journal_keys_are_the_interface_and_method_names_and_one_key_never_names_two_methods_of_one_arity()
        {
            var keys = ManagedActors.Protocol.InterfaceContract.For(typeof(Upgrade.V2.IScore)).RemoteMethods.ToDictionary(m => m.Method.Name, m => m.JournalKey);
            Assert.Equal("IScore.TwiceAsync", keys["TwiceAsync"]);
            Assert.Equal("IScore.GainAsync", keys["GainAsync"]);
            Assert.Equal("IManagedDict.SetAsync", ManagedActors.Protocol.InterfaceContract.For(typeof(ManagedActors.Dicts.IManagedDict<string, int>)).RemoteMethods.Single(m => m.Method.Name == "SetAsync").JournalKey);
            var overloads = ManagedActors.Protocol.InterfaceContract.For(typeof(IOverloads)).RemoteMethods.Select(m => m.JournalKey).Order().ToArray();
            Assert.Equal(["IOverloads.PutAsync", "IOverloads.PutAsync(Int32)", "IOverloads.PutAsync(String)"], overloads);
            var clash = Assert.Throws<ArgumentException>(() => ManagedActors.Protocol.InterfaceContract.For(typeof(IClashingKeys)));
            Assert.Contains("'score.add'", clash.Message);
        }

        /// <summary>A dict set twice, then its journal's manifests changed by <paramref name="sql"/> (which must touch <paramref name="rows"/> rows).</summary>
        private async Task WriteThenRelabelAsync(string sql, int rows)
        {
            await using (var first = await Manager.StartAsync(Options))
            {
                var stock = await first.DictAsync<string, int>("stock");
                await stock.SetAsync("apples", 5).Within();
                await stock.SetAsync("pears", 2).Within();
            }
            SqliteConnection.ClearAllPools();
            await using var db = new SqliteConnection($"Data Source={_store.PathOf("scores.db")}");
            await db.OpenAsync();
            await using var relabel = db.CreateCommand();
            relabel.CommandText = sql;
            Assert.Equal(rows, await relabel.ExecuteNonQueryAsync());
        }

        [Fact]
        public async Task An_event_of_a_newer_journal_format_is_refused_by_name_not_misread()
        {
            // A newer version wrote the last event.
            await WriteThenRelabelAsync("UPDATE journal SET manifest = 'JK.9' WHERE ordering = (SELECT MAX(ordering) FROM journal)", 1);

            await using var second = await Manager.StartAsync(Options);
            var refused = await Assert.ThrowsAsync<JournalVersionException>(async () => await (await second.DictAsync<string, int>("stock")).GetAsync("apples")).Within();
            Assert.Contains("journal format 9", refused.Message);
            Assert.Contains("reads formats up to 2", refused.Message);
        }

        [Fact]
        public async Task Records_of_journal_format_one_read_as_they_were_written()
        {
            // Format 1's manifests over the same bytes (its values held no records, so they read the same).
            await WriteThenRelabelAsync("UPDATE journal SET manifest = REPLACE(manifest, '.2', '.1')", 3);

            await using var second = await Manager.StartAsync(Options);
            var again = await second.DictAsync<string, int>("stock");
            Assert.Equal((5, 2), (await again.GetAsync("apples").Within(), await again.GetAsync("pears").Within()));
        }
    }
}
