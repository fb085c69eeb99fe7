using System.Diagnostics;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Microsoft.Data.Sqlite;
using SmartElek.Actors.Persistence;
using SmartElek.Actors.Serialization;
using SmartElek.Actors.Tests.Persistence;

[assembly: SmartElek.WireJsonContext(typeof(SmartElek.Benchmarks.PersistenceBenchmarkWireJson))]

namespace SmartElek.Benchmarks;

/// <summary>A metering event of about 90 bytes of JSON, like the charger's energy readings.</summary>
[WireName("bench.energy.metered.v1")]
public sealed record EnergyMetered(ChargerId Charger, long WattHours, DateTimeOffset At) : IWireMessage;

[WireName("bench.energy.snapshot.v1")]
public sealed record EnergySnapshot(long WattHours, long Readings, DateTimeOffset LastAt) : IWireMessage;

[JsonSerializable(typeof(EnergyMetered))]
[JsonSerializable(typeof(EnergySnapshot))]
internal sealed partial class PersistenceBenchmarkWireJson : JsonSerializerContext;

/// <summary>
/// dotnet run -c Release --project tests/SmartElek.Benchmarks -- scale persistence [--events N] [--actors N] [--week N] [--sqlite-only] [--keep folder] [--hocon "extra HOCON"] [--min-threads N]
/// Prints persisted events per second (PersistAsync and PersistAll in batches of 100) on SQLite and
/// PostgreSQL, and the time to recover N persistent actors that each hold a week of readings
/// (one per 10 min), snapshotted every 100 events so that recovery is bounded.
/// </summary>
public sealed class PersistenceScaleRun : IScaleRun
{
    public string Name => "persistence";

    private const int SnapshotEvery = 100;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public async Task RunAsync(string[] args)
    {
        var events = IntArg(args, "--events", 20_000);
        var actors = IntArg(args, "--actors", 1_000);
        var week = IntArg(args, "--week", 7 * 24 * 6);
        var sqliteOnly = args.Contains("--sqlite-only");
        if (IntArg(args, "--min-threads", 0) is var minThreads and > 0)
        {
            // SQLite calls block a pool thread: more threads than cores keep recoveries from queueing.
            ThreadPool.GetMinThreads(out _, out var io);
            ThreadPool.SetMinThreads(minThreads, io);
        }
        var extra = Array.IndexOf(args, "--hocon") is var h and >= 0 && h + 1 < args.Length ? args[h + 1] : "";
        Console.WriteLine($"persistence scale run: {Environment.ProcessorCount} cores, {events:N0} events per write test, {actors:N0} actors x {week:N0} events for recovery, snapshot every {SnapshotEvery}");

        var keep = Array.IndexOf(args, "--keep");
        var folder = keep >= 0 && keep + 1 < args.Length
            ? Path.GetFullPath(args[keep + 1])
            : Path.Combine(Path.GetTempPath(), "smartelek-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var sqlite = new PersistenceOptions { Provider = PersistenceProvider.Sqlite, SqliteDataFolder = folder, SqliteFile = "bench.db" };
            await RunProviderAsync("SQLite (WAL)", sqlite, _ => null, events, actors, week, extra);
            SqliteConnection.ClearAllPools();

            if (!sqliteOnly)
            {
                await using var server = await ThrowawayPostgreSql.StartAsync(durable: true);
                var connection = await server.CreateDatabaseAsync("bench");
                var postgres = new PersistenceOptions { Provider = PersistenceProvider.PostgreSql, PostgreSqlConnectionStringVariable = "BENCH_PG" };
                await RunProviderAsync("PostgreSQL (fsync on)", postgres, n => n == "BENCH_PG" ? connection : null, events, actors, week, extra);
            }
        }
        finally
        {
            if (keep < 0 && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task RunProviderAsync(string label, PersistenceOptions options, Func<string, string?> environment, int events, int actors, int week, string extraHocon)
    {
        PersistenceStore.Prepare(options, environment);
        var config = ConfigurationFactory.ParseString(extraHocon)
            .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING"))
            .WithFallback(WireSerialization.Config)
            .WithFallback(PersistenceHocon.For(options, environment));

        var system = ActorSystem.Create("bench", config);
        try
        {
            // Warm-up: creates the tables and the connection pool.
            await WriteAsync(system, "warmup", 1_000, WriteMode.PersistAll);
            foreach (var mode in new[] { WriteMode.PersistAsync, WriteMode.PersistAll })
            {
                var elapsed = await WriteAsync(system, "write-" + mode, events, mode);
                Console.WriteLine($"{label,-22} {mode,-13} {events / elapsed.TotalSeconds,10:N0} events/s  ({events:N0} in {elapsed.TotalSeconds:N2} s, load {LoadAverage()})");
            }

            var seeding = Stopwatch.StartNew();
            const int wave = 40; // keeps the journal's pending writes under its buffer-size (5,000)
            for (var first = 0; first < actors; first += wave)
            {
                var seeds = Enumerable.Range(first, Math.Min(wave, actors - first))
                    .Select(i => system.ActorOf(MeterLedger.Props(new ChargerId($"week-{i}"))).Ask<MeterLedger.Seeded>(new MeterLedger.Seed(week), Timeout));
                await Task.WhenAll(seeds);
            }
            seeding.Stop();
            Console.WriteLine($"{label,-22} seeded {actors:N0} x {week:N0} = {(long)actors * week:N0} events + snapshots in {seeding.Elapsed.TotalSeconds:N1} s ({(long)actors * week / seeding.Elapsed.TotalSeconds:N0} events/s)");
        }
        finally
        {
            await system.Terminate();
        }

        // A fresh ActorSystem: nothing cached, every actor recovers from the database.
        var again = ActorSystem.Create("bench-recovery", config);
        try
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var recovery = Stopwatch.StartNew();
            var states = await Task.WhenAll(Enumerable.Range(0, actors).Select(i =>
                again.ActorOf(MeterLedger.Props(new ChargerId($"week-{i}"))).Ask<MeterLedger.State>(MeterLedger.GetState.Instance, Timeout)));
            recovery.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var wrong = states.Count(s => s.Readings != week);
            var replayed = states.Sum(s => (long)s.ReplayedEvents);
            Console.WriteLine($"{label,-22} recovered {actors:N0} actors in {recovery.Elapsed.TotalSeconds:N2} s, {cpu.TotalSeconds:N2} s CPU, load {LoadAverage()} ({replayed:N0} events replayed after snapshots; {wrong} with a wrong count)");
        }
        finally
        {
            await again.Terminate();
        }
    }

    private enum WriteMode { PersistAsync, PersistAll }

    private static async Task<TimeSpan> WriteAsync(ActorSystem system, string name, int events, WriteMode mode)
    {
        var writer = system.ActorOf(Props.Create(() => new MeterWriter(name)), name);
        await writer.Ask<MeterWriter.Ready>(MeterWriter.AreYouReady.Instance, Timeout);
        var watch = Stopwatch.StartNew();
        await writer.Ask<MeterWriter.Done>(new MeterWriter.Write(events, mode == WriteMode.PersistAll), Timeout);
        watch.Stop();
        await writer.GracefulStop(Timeout);
        return watch.Elapsed;
    }

    // The machine is shared: the figures mean little without the load they were taken under.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) && v > 0 ? v : fallback;
    }

    /// <summary>Writes N readings as fast as the journal takes them: PersistAsync one by one, or PersistAll in batches of 100.</summary>
    private sealed class MeterWriter : ReceivePersistentActor
    {
        public sealed record Write(int Events, bool Batched);
        public sealed record Done;
        public sealed record Ready { public static readonly Ready Instance = new(); private Ready() { } }
        public sealed record AreYouReady { public static readonly AreYouReady Instance = new(); private AreYouReady() { } }

        private readonly ChargerId charger;
        public override string PersistenceId { get; }

        public MeterWriter(string name)
        {
            PersistenceId = "bench-" + name;
            charger = new ChargerId(name);
            Recover<EnergyMetered>(_ => { });
            Command<AreYouReady>(_ => Sender.Tell(Ready.Instance));
            Command<Write>(w =>
            {
                replyTo = Sender;
                target = w.Events;
                written = 0;
                if (w.Batched)
                {
                    // One command carries 100 readings: the way a charger flushes a batch of metering.
                    for (var i = 0; i < w.Events; i += 100)
                        PersistAll(Enumerable.Range(i, Math.Min(100, w.Events - i)).Select(Reading), Stored);
                }
                else
                {
                    // One command per reading, each persisted without waiting: the journal batches them.
                    for (var i = 0; i < w.Events; i++) Self.Tell(new Append(i));
                }
            });
            Command<Append>(a => PersistAsync(Reading(a.N), Stored));
        }

        private sealed record Append(int N);

        private IActorRef replyTo = ActorRefs.Nobody;
        private int target;
        private int written;
        private readonly DateTimeOffset start = DateTimeOffset.UtcNow;

        private void Stored(EnergyMetered e)
        {
            if (++written == target) replyTo.Tell(new Done());
        }

        private EnergyMetered Reading(int n) => new(charger, 1_000_000L + n * 37L, start.AddSeconds(n));
    }

    /// <summary>One charger's week of readings with a snapshot every 100 events, as a session actor would keep.</summary>
    private sealed class MeterLedger : ReceivePersistentActor
    {
        public sealed record Seed(int Events);
        public sealed record Seeded(long Readings);
        public sealed record GetState { public static readonly GetState Instance = new(); private GetState() { } }
        public sealed record State(long WattHours, long Readings, int ReplayedEvents);

        private readonly ChargerId charger;
        private EnergySnapshot state = new(0, 0, DateTimeOffset.MinValue);
        private int replayed;
        public override string PersistenceId => "meter-" + charger.Value;

        public static Props Props(ChargerId charger) => Akka.Actor.Props.Create(() => new MeterLedger(charger));

        public MeterLedger(ChargerId charger)
        {
            this.charger = charger;
            Recover<SnapshotOffer>(o => state = (EnergySnapshot)o.Snapshot);
            Recover<EnergyMetered>(e =>
            {
                replayed++;
                Apply(e);
            });
            Command<GetState>(_ => Sender.Tell(new State(state.WattHours, state.Readings, replayed)));
            Command<Seed>(s =>
            {
                seedRequester = Sender;
                seedTarget = s.Events;
                lastSnapshotAt = s.Events / SnapshotEvery * SnapshotEvery;
                var weekStart = new DateTimeOffset(2026, 11, 16, 0, 0, 0, TimeSpan.Zero);
                for (var i = 0; i < s.Events; i += SnapshotEvery)
                {
                    var chunk = Enumerable.Range(i, Math.Min(SnapshotEvery, s.Events - i))
                        .Select(n => new EnergyMetered(charger, 120L * (n + 1), weekStart.AddMinutes(10 * n)))
                        .ToArray();
                    PersistAll(chunk, e =>
                    {
                        Apply(e);
                        if (state.Readings % SnapshotEvery == 0) SaveSnapshot(state);
                        ReplyWhenSeeded();
                    });
                }
            });
            Command<SaveSnapshotSuccess>(ok =>
            {
                if (ok.Metadata.SequenceNr == lastSnapshotAt) lastSnapshotSaved = true;
                ReplyWhenSeeded();
            });
            Command<SaveSnapshotFailure>(f => throw new InvalidOperationException("Snapshot failed", f.Cause));
        }

        private IActorRef seedRequester = ActorRefs.Nobody;
        private long seedTarget = -1;
        private long lastSnapshotAt;
        private bool lastSnapshotSaved;

        // Seeded once every event and the last snapshot are stored, so that recovery measures what a restart would see.
        private void ReplyWhenSeeded()
        {
            if (state.Readings != seedTarget || (lastSnapshotAt > 0 && !lastSnapshotSaved)) return;
            seedRequester.Tell(new Seeded(state.Readings));
            seedTarget = -1;
        }

        private void Apply(EnergyMetered e) => state = new EnergySnapshot(e.WattHours, state.Readings + 1, e.At);
    }
}
