using System.Collections.Immutable;
using CsCheck;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;

namespace SmartElek.Gateway.Tests;

/// <summary>A temp folder for one SQLite file, removed after the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("smartelek-ocpp-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
    }
}

/// <summary>The SQLite queue and memory: the same behaviour as the in-memory queue, and nothing lost across a reopen.</summary>
[Trait("Speed", "Fast")]
public sealed class DurableChargePointTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    internal enum Op { Start, Meter, Stop, RemoveHead, Fail, Remap, Reopen, CacheLearn, CacheUse, ClearCache }

    // Small, so that learning evicts (expired first, then least recently used).
    private const int CacheCapacity = 3;

    // Sequence numbers only order the messages present (a reopened empty queue may start again at 1).
    private static string Frame(QueuedTransactionMessage m) =>
        $"{m.FailedAttempts}|{m.StartPlaceholder}|{OcppFrames.EncodeCall("x", m.Request)}";

    [Fact]
    public void Any_sequence_of_queue_operations_gives_the_in_memory_queues_result_and_survives_reopening_the_file()
    {
        using var folder = new TempFolder();
        var file = folder.File("q.db");
        SameAsInMemory(() => ChargePointStore.Sqlite(file), iter: 20);
    }

    /// <summary>The property on any store: <paramref name="open"/> opens it again on the same data.</summary>
    internal static void SameAsInMemory(Func<ChargePointStore> open, int iter)
    {
        var op = Gen.Select(Gen.Enum<Op>(), Gen.Int[-3, -1], Gen.Int[1, 5000]);
        var sample = 0;
        op.Array[1, 20].Sample(ops =>
        {
            var id = new ChargerId($"SE-Q-{++sample}"); // every sample its own charge point: the data stays between samples
            var reference = new InMemoryTransactionMessageQueue();
            var cache = AuthorizationCache.Empty(CacheCapacity);
            var store = open();
            var durable = store.For(id);
            var second = 0;
            try
            {
                foreach (var (kind, placeholder, value) in ops)
                {
                    var at = T0.AddSeconds(++second);
                    switch (kind)
                    {
                        case Op.Start:
                            var start = new StartTransactionRequest(1, "TAG", value, at);
                            reference.Enqueue(start, placeholder);
                            durable.Enqueue(start, placeholder);
                            break;
                        case Op.Meter:
                            var meter = new MeterValuesRequest(1, [new MeterValue(at, [new SampledValue(value.ToString(), ReadingContext.SamplePeriodic, Unit: UnitOfMeasure.Wh)])], placeholder);
                            reference.Enqueue(meter);
                            durable.Enqueue(meter);
                            break;
                        case Op.Stop:
                            var stop = new StopTransactionRequest(value, at, placeholder, "TAG", StopTransactionReason.Local);
                            reference.Enqueue(stop);
                            durable.Enqueue(stop);
                            break;
                        case Op.RemoveHead:
                            reference.RemoveHead();
                            durable.RemoveHead();
                            break;
                        case Op.Fail when reference.Count > 0:
                            Assert.Equal(Frame(reference.RecordFailedAttempt()), Frame(durable.RecordFailedAttempt()));
                            break;
                        case Op.Remap:
                            reference.RemapTransactionId(placeholder, value);
                            durable.RemapTransactionId(placeholder, value);
                            break;
                        case Op.CacheLearn:
                            // Five tags, expiring from 2 s in the past to 2 s ahead (one in five without expiry).
                            var tag = $"TAG-{value % 5}";
                            DateTimeOffset? expiry = value % 5 == 0 ? null : at.AddSeconds(placeholder + value % 4);
                            var info = new IdTagInfo((AuthorizationStatus)(value % 4), expiry, value % 3 == 0 ? "PARENT" : null);
                            var (learnt, evicted) = cache.Remember(tag, info, at);
                            cache = learnt;
                            if (cache.Entries.TryGetValue(tag, out var entry)) durable.RememberCacheEntry(tag, entry, evicted);
                            break;
                        case Op.CacheUse:
                            var (usedCache, used) = cache.Use($"TAG-{value % 5}", at);
                            cache = usedCache;
                            if (used is not null) durable.RememberCacheEntry($"TAG-{value % 5}", used, []);
                            break;
                        case Op.ClearCache:
                            cache = cache.Clear();
                            durable.ClearCache();
                            break;
                        case Op.Reopen:
                            store.Dispose();
                            store = open();
                            durable = store.For(id);
                            break;
                    }
                    Assert.Equal(reference.Snapshot().Select(Frame), durable.Snapshot().Select(Frame));
                    Assert.Equal(Cached(cache.Entries), Cached(durable.Recall().AuthorizationCache!));
                    var sequences = durable.Snapshot().Select(m => m.Sequence).ToList();
                    Assert.Equal(sequences.Order().Distinct(), sequences);
                }
                store.Dispose();
                store = open();
                Assert.Equal(reference.Snapshot().Select(Frame), store.For(id).Snapshot().Select(Frame));
                Assert.Equal(Cached(cache.Entries), Cached(store.For(id).Recall().AuthorizationCache!));
                Assert.Empty(store.For(new ChargerId("SE-OTHER")).Recall().AuthorizationCache!);
                Assert.Empty(store.For(new ChargerId("SE-OTHER")).Snapshot()); // one charge point's rows are its own
                Assert.Equal(TransactionMessages.LowestPlaceholder(reference.Snapshot()), TransactionMessages.LowestPlaceholder(durable.Snapshot()));
            }
            finally
            {
                store.Dispose();
            }
        }, iter: iter, threads: 1);
    }

    [Fact]
    public void What_another_process_reads_while_changes_are_being_committed_is_always_the_queue_after_some_prefix_of_them()
    {
        using var folder = new TempFolder();
        var file = folder.File("prefix.db");
        var sample = 0;
        Gen.Select(Gen.Int[0, 4], Gen.Int[1, 5000]).Array[1, 40].Sample(ops =>
        {
            var id = new ChargerId($"SE-P-{++sample}");
            var reference = new InMemoryTransactionMessageQueue();
            var states = new List<List<string>> { new() };          // the queue after each change, in order
            using var store = ChargePointStore.Sqlite(file);
            var durable = store.For(id);
            var second = 0;
            foreach (var (kind, value) in ops)
            {
                var at = T0.AddSeconds(++second);
                Action<ITransactionMessageQueue> change = kind switch
                {
                    0 => q => q.Enqueue(new StartTransactionRequest(1, "TAG", value, at), -1),
                    1 => q => q.Enqueue(new MeterValuesRequest(1, [new MeterValue(at, [new SampledValue(value.ToString(), Unit: UnitOfMeasure.Wh)])], -1)),
                    2 => q => q.Enqueue(new StopTransactionRequest(value, at, -1, "TAG", StopTransactionReason.Local)),
                    3 => q => q.RemoveHead(),
                    _ => q => q.RemapTransactionId(-1, value),
                };
                change(reference);
                change(durable);
                states.Add(reference.Snapshot().Select(Frame).ToList());
                // Another process's view (its own connection, no waiting for the writer): some state of the history.
                using var reader = ChargePointStore.Sqlite(file);
                var seen = reader.For(id).Snapshot().Select(Frame).ToList();
                Assert.True(states.Any(s => s.SequenceEqual(seen)), $"read {seen.Count} messages, not the queue after any prefix of the changes");
            }
            Assert.True(durable.WaitWritten(TimeSpan.FromSeconds(30)));
            using var last = ChargePointStore.Sqlite(file);
            Assert.Equal(states[^1], last.For(id).Snapshot().Select(Frame));
        }, iter: 15, threads: 1);
    }

    private static IEnumerable<string> Cached(IReadOnlyDictionary<string, CachedAuthorization> entries) => entries
        .OrderBy(e => e.Key, StringComparer.Ordinal)
        .Select(e => $"{e.Key}|{e.Value.Info.Status}|{e.Value.Info.ExpiryDate?.ToUnixTimeMilliseconds()}|{e.Value.Info.ParentIdTag}|{e.Value.LastUsed.ToUnixTimeMilliseconds()}");

    [Fact]
    public void Profiles_and_configuration_are_remembered_across_a_reopen_and_a_broken_row_is_named()
    {
        using var folder = new TempFolder();
        var file = folder.File("m.db");
        var profile = new ChargingProfile(3, 2, ChargingProfilePurpose.ChargePointMaxProfile, ChargingProfileKind.Absolute,
            new ChargingSchedule(ChargingRateUnit.A, [new ChargingSchedulePeriod(0, 16m)], StartSchedule: T0));
        using (var store = ChargePointStore.Sqlite(file))
        {
            var cp = store.For(new ChargerId("SE-M"));
            Assert.Empty(cp.Recall().Profiles);
            cp.RememberProfiles([new InstalledProfile(0, profile)]);
            cp.RememberConfiguration("MeterValueSampleInterval", "15");
            cp.RememberConfiguration("MeterValueSampleInterval", "20");
        }
        using (var store = ChargePointStore.Sqlite(file))
        {
            var kept = store.For(new ChargerId("SE-M")).Recall();
            var installed = Assert.Single(kept.Profiles);
            Assert.Equal(0, installed.ConnectorId);
            Assert.Equal(16m, installed.Profile.ChargingSchedule.ChargingSchedulePeriod[0].Limit);
            Assert.Equal(T0, installed.Profile.ChargingSchedule.StartSchedule);
            Assert.Equal("20", kept.Configuration["MeterValueSampleInterval"]);
        }
        using (var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False"))
        {
            raw.Open();
            using var c = raw.CreateCommand();
            c.CommandText = "INSERT INTO ocpp_transaction_queue VALUES ('SE-BAD', 1, '[2,\"x\",\"Nonsense\",{}]', 0, NULL)";
            c.ExecuteNonQuery();
        }
        using (var store = ChargePointStore.Sqlite(file))
        {
            var e = Assert.Throws<InvalidDataException>(() => store.For(new ChargerId("SE-BAD")));
            Assert.Contains("SE-BAD", e.Message);
            Assert.Contains("Nonsense", e.Message);
        }
    }

    [Fact]
    public void The_running_transaction_is_remembered_across_a_reopen_until_it_is_forgotten()
    {
        using var folder = new TempFolder();
        var file = folder.File("tx.db");
        RemembersTheRunningTransaction(() => ChargePointStore.Sqlite(file));
    }

    /// <summary>On any store: the placeholder, then the central system's id, then nothing, each surviving a reopen.</summary>
    internal static void RemembersTheRunningTransaction(Func<ChargePointStore> open)
    {
        var id = new ChargerId("SE-TX");
        var placeholder = new RememberedTransaction(1, -2, "TAG-TX", 12_345, new DateTimeOffset(2026, 11, 24, 14, 0, 0, 123, TimeSpan.FromHours(2)));
        var started = placeholder with { TransactionId = 77 };
        using (var store = open())
        {
            Assert.Null(store.For(id).Recall().Transaction);
            store.For(id).RememberTransaction(placeholder);
        }
        using (var store = open())
        {
            Assert.Equal(placeholder, store.For(id).Recall().Transaction);
            Assert.Null(store.For(new ChargerId("SE-TX-OTHER")).Recall().Transaction);
            store.For(id).RememberTransaction(started);
        }
        using (var store = open())
        {
            Assert.Equal(started, store.For(id).Recall().Transaction);
            store.For(id).RememberTransaction(null);
        }
        using (var store = open()) Assert.Null(store.For(id).Recall().Transaction);
    }
}
