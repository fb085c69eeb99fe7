using System.Data.Common;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using CsCheck;
using Microsoft.Data.Sqlite;
using Npgsql;
using SmartElek.Actors.Persistence;
using SmartElek.Actors.Serialization;

namespace SmartElek.Actors.Tests.Persistence;

/// <summary>
/// What the journal must do on every provider: persist and recover, snapshots, recovery in a new
/// ActorSystem on the same database, the events-by-tag read side, and rows written by our serializer.
/// </summary>
public abstract class PersistenceContractTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly List<ActorSystem> systems = [];
    private TestDatabase? database;

    protected TestDatabase Database => database ?? throw new InvalidOperationException("Not initialised.");

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => database = await CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var system in systems) await system.Terminate();
    }

    private ActorSystem StartSystem()
    {
        var system = ActorSystem.Create("persistence-" + systems.Count, Database.Config());
        systems.Add(system);
        return system;
    }

    private static async Task<long> CreditAllAsync(IActorRef ledger, IEnumerable<long> amounts, string? tag = null)
    {
        long total = 0;
        foreach (var amount in amounts)
            total = (await ledger.Ask<TestLedgerProtocol.Credited>(new TestLedgerProtocol.Credit(amount, tag), Timeout)).Total;
        return total;
    }

    private static long[] RandomAmounts(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.NextInt64(1, 1_000_000)).ToArray();
    }

    [Fact]
    public async Task A_new_incarnation_recovers_the_persisted_events()
    {
        var system = StartSystem();
        var charger = new ChargerId("recover-1");
        var amounts = RandomAmounts(1, 12);
        var ledger = system.ActorOf(TestLedger.Props(charger));
        var total = await CreditAllAsync(ledger, amounts);
        Assert.Equal(amounts.Sum(), total);
        Assert.True(await ledger.GracefulStop(Timeout));

        var again = system.ActorOf(TestLedger.Props(charger));
        var recovered = await again.Ask<TestLedgerProtocol.Total>(TestLedgerProtocol.GetTotal.Instance, Timeout);
        Assert.Equal(new TestLedgerProtocol.Total(amounts.Sum(), amounts.Length), recovered);
    }

    [Fact]
    public async Task A_restarted_actor_system_recovers_from_snapshot_and_later_events()
    {
        var first = StartSystem();
        var withSnapshot = new ChargerId("restart-snap");
        var withoutSnapshot = new ChargerId("restart-plain");
        var before = RandomAmounts(2, 5);
        var after = RandomAmounts(3, 4);

        var ledger = first.ActorOf(TestLedger.Props(withSnapshot));
        await CreditAllAsync(ledger, before);
        var taken = await ledger.Ask<TestLedgerProtocol.SnapshotTaken>(TestLedgerProtocol.TakeSnapshot.Instance, Timeout);
        Assert.Equal(before.Length, taken.SequenceNr);
        await CreditAllAsync(ledger, after);
        await CreditAllAsync(first.ActorOf(TestLedger.Props(withoutSnapshot)), after);
        await first.Terminate();

        var second = StartSystem();
        var recovered = await second.ActorOf(TestLedger.Props(withSnapshot))
            .Ask<TestLedgerProtocol.Total>(TestLedgerProtocol.GetTotal.Instance, Timeout);
        Assert.Equal(new TestLedgerProtocol.Total(before.Sum() + after.Sum(), before.Length + after.Length), recovered);
        var plain = await second.ActorOf(TestLedger.Props(withoutSnapshot))
            .Ask<TestLedgerProtocol.Total>(TestLedgerProtocol.GetTotal.Instance, Timeout);
        Assert.Equal(new TestLedgerProtocol.Total(after.Sum(), after.Length), plain);
    }

    [Fact]
    public async Task Events_by_tag_reads_the_tagged_events_of_every_actor_in_order()
    {
        var system = StartSystem();
        var a = system.ActorOf(TestLedger.Props(new ChargerId("tag-a")));
        var b = system.ActorOf(TestLedger.Props(new ChargerId("tag-b")));
        var energyA = RandomAmounts(4, 3);
        var energyB = RandomAmounts(5, 3);
        await CreditAllAsync(a, energyA, "energy");
        await CreditAllAsync(b, [7, 8], "other");
        await CreditAllAsync(b, energyB, "energy");
        await CreditAllAsync(a, [9]);

        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(PersistenceHocon.ReadJournalPluginId);
        var materializer = system.Materializer();
        IReadOnlyList<EventEnvelope> envelopes = [];
        // The read side sees new rows once its ordering tracker has caught up (about a second).
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            envelopes = await journal.CurrentEventsByTag("energy", Offset.NoOffset())
                .RunWith(Sink.Seq<EventEnvelope>(), materializer);
            if (envelopes.Count >= energyA.Length + energyB.Length) break;
            await Task.Delay(200);
        }

        var events = envelopes.Select(e => Assert.IsType<LedgerCredited>(e.Event)).ToArray();
        Assert.Equal(energyA.Concat(energyB), events.Select(e => e.Amount));
        Assert.Equal(
            Enumerable.Repeat("tag-a", energyA.Length).Concat(Enumerable.Repeat("tag-b", energyB.Length)),
            events.Select(e => e.Charger.Value));
        var offsets = envelopes.Select(e => ((Sequence)e.Offset).Value).ToArray();
        Assert.Equal(offsets.Order(), offsets);
        Assert.Equal(offsets.Length, offsets.Distinct().Count());
    }

    [Fact]
    public async Task Journal_rows_carry_the_wire_name_and_our_serializer_not_a_dotnet_type()
    {
        var system = StartSystem();
        var ledger = system.ActorOf(TestLedger.Props(new ChargerId("rows-1")));
        await CreditAllAsync(ledger, [1, 2]);
        await ledger.Ask<TestLedgerProtocol.SnapshotTaken>(TestLedgerProtocol.TakeSnapshot.Instance, Timeout);

        var journalRows = await ReadRowsAsync("SELECT manifest, identifier FROM journal WHERE persistence_id = 'ledger-rows-1'");
        Assert.Equal(2, journalRows.Count);
        Assert.All(journalRows, r => Assert.Equal(("test.ledger.credited.v1", WireSerializer.Id), r));
        var snapshotRows = await ReadRowsAsync("SELECT manifest, serializer_id FROM snapshot WHERE persistence_id = 'ledger-rows-1'");
        Assert.Equal([("test.ledger.snapshot.v1", WireSerializer.Id)], snapshotRows);
    }

    [Fact]
    public async Task A_replay_reads_exactly_what_the_plugins_own_query_reads()
    {
        // SqlJournal replays with its own SELECT; the plugin's read journal (its batched query over
        // the same rows) is the reference: same events, same order, deletes and windows honoured.
        var system = StartSystem();
        var journal = Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(null);
        var query = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(PersistenceHocon.ReadJournalPluginId);
        var materializer = system.Materializer();
        var run = 0;
        await Gen.Select(Gen.Int[1, 30], Gen.Int[0, 32], Gen.Int[0, 32], Gen.Int[0, 32], Gen.Int[1, 40]).SampleAsync(async t =>
        {
            var (count, deleteTo, from, span, max) = t;
            var charger = new ChargerId("replay-" + Interlocked.Increment(ref run));
            var pid = "ledger-" + charger.Value;
            var ledger = system.ActorOf(TestLedger.Props(charger));
            await CreditAllAsync(ledger, RandomAmounts(run, count), run % 2 == 0 ? "energy" : null);
            await ledger.GracefulStop(Timeout);
            if (deleteTo > 0)
                Assert.IsType<DeleteMessagesSuccess>(await journal.Ask<object>((IActorRef replyTo) => new DeleteMessagesTo(pid, deleteTo, replyTo), Timeout, CancellationToken.None));

            var expected = await query.CurrentEventsByPersistenceId(pid, from, from + span).Take(max)
                .RunWith(Sink.Seq<EventEnvelope>(), materializer);
            var replay = new TaskCompletionSource<(IReadOnlyList<IPersistentRepresentation> Events, long Highest)>(TaskCreationOptions.RunContinuationsAsynchronously);
            var collector = system.ActorOf(Props.Create(() => new ReplayCollector(replay)));
            journal.Tell(new ReplayMessages(from, from + span, max, pid, collector));
            var (replayed, highest) = await replay.Task.WaitAsync(Timeout);

            // The journal looks for the highest sequence number from the window's start on.
            if (from <= count) Assert.Equal(count, highest);
            Assert.Equal(expected.Select(e => (e.SequenceNr, e.Event, e.Timestamp)), replayed.Select(r => (r.SequenceNr, r.Payload, r.Timestamp)));
            Assert.All(replayed, r => Assert.Equal((pid, false, "test.ledger.credited.v1"), (r.PersistenceId, r.IsDeleted, r.Manifest)));
        }, iter: 12, threads: 1);
    }

    [Fact]
    public async Task The_latest_snapshot_loaded_is_the_last_one_saved_at_or_below_the_bound()
    {
        // SqlSnapshots loads with its own SELECT; the model is what was saved. A time bound goes to the plugin's query.
        var system = StartSystem();
        var store = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);
        var run = 0;
        await Gen.Select(Gen.Int[1, 60].HashSet[0, 6], Gen.Int[0, 70], Gen.Int[0, 2], Gen.Bool).SampleAsync(async t =>
        {
            var (saved, randomBound, boundKind, timeBound) = t;
            // The latest (what a recovery asks), exactly a saved one, or anywhere.
            long bound = boundKind switch { 0 => long.MaxValue, 1 when saved.Count > 0 => saved.Max(), _ => randomBound };
            var pid = "snapshots-" + Interlocked.Increment(ref run);
            var metadata = new Dictionary<long, SnapshotMetadata>();
            foreach (var sequenceNr in saved)
            {
                var taken = new SnapshotMetadata(pid, sequenceNr, DateTime.UtcNow);
                Assert.IsType<SaveSnapshotSuccess>(await store.Ask<object>(new SaveSnapshot(taken, new LedgerSnapshot(sequenceNr * 10, (int)sequenceNr)), Timeout));
                metadata[sequenceNr] = taken;
            }
            var criteria = timeBound ? new SnapshotSelectionCriteria(bound, DateTime.UtcNow.AddDays(1)) : new SnapshotSelectionCriteria(bound);
            var answer = await store.Ask<object>(new LoadSnapshot(pid, criteria, long.MaxValue), Timeout);
            if (answer is LoadSnapshotFailed failed) throw new Xunit.Sdk.XunitException("The load failed: " + failed.Cause);
            var loaded = Assert.IsType<LoadSnapshotResult>(answer);

            var expected = saved.Where(s => s <= bound).DefaultIfEmpty(-1).Max();
            if (expected < 0)
            {
                Assert.Null(loaded.Snapshot);
                return;
            }
            Assert.NotNull(loaded.Snapshot);
            Assert.Equal(new LedgerSnapshot(expected * 10, expected), loaded.Snapshot.Snapshot);
            Assert.Equal((pid, (long)expected, metadata[expected].Timestamp), (loaded.Snapshot.Metadata.PersistenceId, loaded.Snapshot.Metadata.SequenceNr, loaded.Snapshot.Metadata.Timestamp));
        }, iter: 12, threads: 1);
    }

    private sealed class ReplayCollector : ReceiveActor
    {
        public ReplayCollector(TaskCompletionSource<(IReadOnlyList<IPersistentRepresentation>, long)> done)
        {
            var events = new List<IPersistentRepresentation>();
            Receive<ReplayedMessage>(m => events.Add(m.Persistent));
            Receive<RecoverySuccess>(s => done.TrySetResult((events, s.HighestSequenceNr)));
            Receive<ReplayMessagesFailure>(f => done.TrySetException(f.Cause));
        }
    }

    private async Task<List<(string Manifest, int Serializer)>> ReadRowsAsync(string sql)
    {
        await using DbConnection connection = Database.Options.Provider == PersistenceProvider.Sqlite
            ? new SqliteConnection(Database.ConnectionString)
            : new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, int)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), Convert.ToInt32(reader.GetValue(1))));
        return rows;
    }
}

public sealed class SqlitePersistenceTests : PersistenceContractTests, IDisposable
{
    private readonly TempSqliteDatabase sqlite = new();

    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(sqlite.Database);

    [Fact]
    public void The_file_is_created_in_its_data_folder_with_write_ahead_logging()
    {
        Assert.True(File.Exists(sqlite.Database.Options.SqliteFilePath));
        using var connection = new SqliteConnection(sqlite.Database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar() as string);
    }

    public void Dispose() => sqlite.Dispose();
}

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlPersistenceTests(PostgreSqlFixture postgres) : PersistenceContractTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => postgres.NewDatabaseAsync("contract");
}
