using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Microsoft.Data.Sqlite;
using SmartElek.Actors.Charger;
using SmartElek.Actors.Persistence;
using SmartElek.Actors.Serialization;
using SmartElek.Charger.Journal;

[assembly: SmartElek.WireJsonContext(typeof(SmartElek.Benchmarks.PersistenceBenchmarkWireJson))]

namespace SmartElek.Benchmarks;

/// <summary>A metering event of about 90 bytes of JSON, like the charger's energy readings.</summary>
[WireName("bench.energy.metered.v1")]
public sealed record EnergyMetered(ChargerId Charger, long WattHours, DateTimeOffset At) : IWireMessage;

[JsonSerializable(typeof(EnergyMetered))]
internal sealed partial class PersistenceBenchmarkWireJson : JsonSerializerContext;

/// <summary>
/// dotnet run -c Release --project tests/SmartElek.Benchmarks -- scale persistence [--events N] [--actors N] [--week N] [--cut] [--sqlite-only] [--keep folder [--recover-only]] [--hocon "extra HOCON"] [--min-threads N] [--seed-only] [--snapshot-every N] [--no-close]
/// Prints persisted events per second (PersistAsync and PersistAll in batches of 100) on SQLite and
/// PostgreSQL, and the time to recover N charger journals (<see cref="ChargerJournal"/> behind its
/// guard, as in a unit) that each hold a week of readings (one per 10 min), snapshotted every 100
/// events so that recovery reads one snapshot and a short tail.
/// </summary>
public sealed class PersistenceScaleRun : IScaleRun
{
    private readonly Option<int> eventsOption = ScaleOptions.Positive("--events", 20_000, "Events per write test.");
    private readonly Option<int> actorsOption = ScaleOptions.Positive("--actors", 1_000, "Charger journals seeded and recovered.");
    private readonly Option<int> weekOption = ScaleOptions.Positive("--week", 7 * 24 * 6, "Events in each charger journal (one reading per 10 min).");
    private readonly Option<bool> sqliteOnlyOption = new("--sqlite-only") { Description = "SQLite only: no PostgreSQL server." };
    private readonly Option<bool> cutOption = new("--cut") { Description = "Every charger cut mid-session: recovery replays a tail and closes the session." };
    private readonly Option<string?> keepOption = new("--keep") { Description = "Folder of the SQLite journals, kept after the run (a temporary folder, deleted, when left out)." };
    private readonly Option<bool> recoverOnlyOption = new("--recover-only") { Description = "With --keep of an earlier run: measure recovery again on its journals, without writing." };
    private readonly Option<bool> seedOnlyOption = new("--seed-only") { Description = "With --keep: write the journals and stop before recovering them." };
    private readonly Option<bool> noCloseOption = new("--no-close") { Description = "Recover without the power-up close (GetState instead of PowerUp): what the replay alone costs." };
    private readonly Option<string> hoconOption = new("--hocon") { Description = "Extra HOCON over the run's Akka configuration.", DefaultValueFactory = _ => "" };
    private readonly Option<int> minThreadsOption = ScaleOptions.AtLeast(0, "--min-threads", 0, "The thread pool's minimum worker threads (0: left as it is).");
    private readonly Option<int> snapshotEveryOption = ScaleOptions.Positive("--snapshot-every", new ChargerJournalSettings().SnapshotEvery, "Events between a charger journal's snapshots (the product's cadence by default).");

    public string Name => "persistence";
    public string Description => "Persisted events per second on SQLite and PostgreSQL, and the time to recover that many charger journals of a week each.";
    public IEnumerable<Option> Options => [eventsOption, actorsOption, weekOption, cutOption, sqliteOnlyOption, keepOption, recoverOnlyOption, seedOnlyOption,
        snapshotEveryOption, noCloseOption, hoconOption, minThreadsOption];

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public async Task RunAsync(ParseResult parse)
    {
        var events = parse.GetValue(eventsOption);
        var actors = parse.GetValue(actorsOption);
        var week = parse.GetValue(weekOption);
        var sqliteOnly = parse.GetValue(sqliteOnlyOption);
        var cut = parse.GetValue(cutOption);
        // With --keep of an earlier run: measure recovery again on its journals, without writing.
        var recoverOnly = parse.GetValue(recoverOnlyOption);
        // With --keep: write the journals and stop before recovering them, so that a cut seed can be
        // copied and recovered again and again (a cut recovery closes the sessions it finds).
        var seedOnly = parse.GetValue(seedOnlyOption);
        // Recovery without the power-up close (GetState instead of PowerUp): what the replay alone costs.
        noClose = parse.GetValue(noCloseOption);
        if (parse.GetValue(minThreadsOption) is var minThreads and > 0)
        {
            // SQLite calls block a pool thread: more threads than cores keep recoveries from queueing.
            ThreadPool.GetMinThreads(out _, out var io);
            ThreadPool.SetMinThreads(minThreads, io);
        }
        // The product's snapshot cadence unless told otherwise (e.g. 100, the cadence before 2026-11-24).
        journalSettings = new ChargerJournalSettings { SnapshotEvery = parse.GetValue(snapshotEveryOption) };
        var extra = parse.GetValue(hoconOption)!;
        Console.WriteLine($"persistence scale run: {Environment.ProcessorCount} cores, {events:N0} events per write test, {actors:N0} actors x {week:N0} events for recovery, snapshot every {journalSettings.SnapshotEvery}");

        var keep = parse.GetValue(keepOption);
        var folder = keep is not null
            ? Path.GetFullPath(keep)
            : Path.Combine(Path.GetTempPath(), "smartelek-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var sqlite = new PersistenceOptions { Provider = PersistenceProvider.Sqlite, SqliteDataFolder = folder, SqliteFile = "bench.db" };
            await RunProviderAsync("SQLite (WAL)", sqlite, _ => null, events, actors, week, cut, recoverOnly, seedOnly, extra);
            SqliteConnection.ClearAllPools();

            if (!sqliteOnly)
            {
                await using var server = await ThrowawayPostgreSql.StartAsync(durable: true);
                var connection = await server.CreateDatabaseAsync("bench");
                var postgres = new PersistenceOptions { Provider = PersistenceProvider.PostgreSql, PostgreSqlConnectionStringVariable = "BENCH_PG" };
                await RunProviderAsync("PostgreSQL (fsync on)", postgres, n => n == "BENCH_PG" ? connection : null, events, actors, week, cut, recoverOnly, seedOnly, extra);
            }
        }
        finally
        {
            if (keep is null && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task RunProviderAsync(string label, PersistenceOptions options, Func<string, string?> environment, int events, int actors, int week, bool cut, bool recoverOnly, bool seedOnly, string extraHocon)
    {
        PersistenceStore.Prepare(options, environment);
        var config = ConfigurationFactory.ParseString(extraHocon)
            .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = ERROR"))
            .WithFallback(WireSerialization.Config)
            .WithFallback(PersistenceHocon.For(options, environment));

        var system = ActorSystem.Create("bench", config);
        try
        {
            if (!recoverOnly)
            {
                // Warm-up: creates the tables and the connection pool.
                await WriteAsync(system, "warmup", 1_000, WriteMode.PersistAll);
                foreach (var mode in new[] { WriteMode.PersistAsync, WriteMode.PersistAll })
                {
                    var elapsed = await WriteAsync(system, "write-" + mode, events, mode);
                    Console.WriteLine($"{label,-22} {mode,-13} {events / elapsed.TotalSeconds,10:N0} events/s  ({events:N0} in {elapsed.TotalSeconds:N2} s, load {LoadAverage()})");
                }

                // A week of one charger's journal (sessions of 72 events), written through the unit's own
                // journal (guard + ChargerJournal, tagged, snapshots every SnapshotEvery and at each session's end).
                var seeding = Stopwatch.StartNew();
                const int wave = 40; // keeps the journal's pending writes under its buffer-size (5,000)
                for (var first = 0; first < actors; first += wave)
                {
                    var seeds = Enumerable.Range(first, Math.Min(wave, actors - first)).Select(i => SeedAsync(system, i, week, cut));
                    await Task.WhenAll(seeds);
                }
                seeding.Stop();
                Console.WriteLine($"{label,-22} seeded {actors:N0} charger journals x {week:N0} = {(long)actors * week:N0} tagged events + snapshots in {seeding.Elapsed.TotalSeconds:N1} s ({(long)actors * week / seeding.Elapsed.TotalSeconds:N0} events/s)");
                // The last snapshot of each journal is saved after its last event: let them land.
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
        finally
        {
            await system.Terminate();
        }
        if (seedOnly) return;

        // Warm-up in its own ActorSystem: the first recoveries of a process pay for JIT and the query
        // caches (a node pays that once, at start); printed apart from the measured recovery.
        var warmup = ActorSystem.Create("bench-warmup", config);
        try
        {
            var warm = Math.Min(20, actors);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, warm).Select(i =>
                warmup.ActorOf(ChargerJournal.GuardProps(ChargerOf(i), JournalSettings), $"charger-{i}")
                    .Ask<ChargerJournalState>(ChargerJournalProtocol.GetState.Instance, Timeout)));
            Console.WriteLine($"{label,-22} warm-up: first {warm} recoveries of the process in {watch.Elapsed.TotalSeconds:N2} s, {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:N2} s CPU");
        }
        finally
        {
            await warmup.Terminate();
        }

        // A fresh ActorSystem: nothing cached, every charger journal recovers from the database, as
        // its unit does at power-up (PowerUp, answered Recovered).
        var again = ActorSystem.Create("bench-recovery", config);
        try
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var gcBefore = GcFigures.Now();
            var recovery = Stopwatch.StartNew();
            var states = await Task.WhenAll(Enumerable.Range(0, actors).Select(async i =>
            {
                var journal = again.ActorOf(ChargerJournal.GuardProps(ChargerOf(i), JournalSettings), $"charger-{i}");
                return noClose
                    ? new ChargerJournalProtocol.Recovered(await journal.Ask<ChargerJournalState>(ChargerJournalProtocol.GetState.Instance, Timeout), [])
                    : await journal.Ask<ChargerJournalProtocol.Recovered>(new ChargerJournalProtocol.PowerUp(DateTimeOffset.UtcNow), Timeout);
            }));
            recovery.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var history = History(ChargerOf(0), week, cut);
            var expected = FinalRegister(history);
            // A week that ends inside a session (--cut, or a length that is not whole sessions) is closed at power-up.
            var closes = noClose || history[^1] is SmartElek.Charger.Sessions.SessionEvents.PluggedOut ? 0 : 2;
            var wrong = states.Count(s => s.State.DurableRegisterWh != expected || s.ClosedAtPowerUp.Count != closes);
            var what = cut
                ? $"each cut mid-session (snapshot + {TailOf(History(ChargerOf(0), week, cut), cut)}-event tail replayed, power-loss close durable before Recovered)"
                : "each idle at restart (snapshot at its last session's end)";
            Console.WriteLine($"{label,-22} recovered {actors:N0} charger journals in {recovery.Elapsed.TotalSeconds:N2} s, {cpu.TotalSeconds:N2} s CPU, load {LoadAverage()}: {what}; {(long)actors * week / recovery.Elapsed.TotalSeconds:N0} history events/s, {wrong} wrong");
            Console.WriteLine($"{label,-22} during that recovery: {GcFigures.Now() - gcBefore}");
        }
        finally
        {
            await again.Terminate();
        }
    }

    private static ChargerJournalSettings journalSettings = new();

    private static bool noClose;

    private static ChargerJournalSettings JournalSettings => journalSettings;

    private static ChargerId ChargerOf(int i) => new($"week-{i}");

    /// <summary>
    /// Writes a week of one charger's sessions into its journal, one command per session (plug-in,
    /// authorised, charging, 67 durable readings, stopped, plugged out: 72 events), as its unit would.
    /// With <paramref name="cut"/> the last session is left open (no stop, no plug-out), as after a power loss.
    /// </summary>
    private static async Task SeedAsync(ActorSystem system, int i, int week, bool cut)
    {
        var charger = ChargerOf(i);
        var guard = system.ActorOf(ChargerJournal.GuardProps(charger, JournalSettings), $"seed-{i}");
        var history = History(charger, week, cut);
        var sessions = history.Chunk(SessionEvents).ToList();
        foreach (var session in cut ? sessions[..^1] : sessions)
            guard.Tell(new ChargerJournalProtocol.Record(session));
        // The cut session as its unit writes it, one event per command: snapshots fall where the
        // cadence puts them, and recovery replays the tail after the last one.
        if (cut)
            foreach (var e in sessions[^1])
                guard.Tell(new ChargerJournalProtocol.Record([e]));
        // The guard delivers in order and the journal stashes commands while a write is in flight:
        // this answer comes once every session is stored.
        var state = await guard.Ask<ChargerJournalState>(ChargerJournalProtocol.GetState.Instance, Timeout);
        if (state.DurableRegisterWh != FinalRegister(history))
            throw new InvalidOperationException($"{charger} seeded to {state.DurableRegisterWh} Wh instead of {FinalRegister(history)} Wh.");
        await guard.GracefulStop(Timeout);
    }

    private const int SessionEvents = 72;

    /// <summary>The events after the last snapshot, by ChargerJournal's rule for commands written as <see cref="SeedAsync"/> writes them.</summary>
    private static long TailOf(List<IWireMessage> history, bool cut)
    {
        var sessions = history.Chunk(SessionEvents).ToList();
        var commands = (cut ? sessions[..^1] : sessions).Concat(cut ? sessions[^1].Select(e => new[] { e }) : []);
        long sequenceNr = 0, snapshotAt = 0;
        foreach (var command in commands)
        {
            sequenceNr += command.Length;
            if (sequenceNr - snapshotAt >= JournalSettings.SnapshotEvery || command[^1] is SmartElek.Charger.Sessions.SessionEvents.PluggedOut)
                snapshotAt = sequenceNr;
        }
        return sequenceNr - snapshotAt;
    }

    private static double FinalRegister(IReadOnlyList<IWireMessage> history) => history.OfType<ChargerJournalEvents.EnergyRecorded>().Last().RegisterWh;

    private static List<IWireMessage> History(ChargerId charger, int events, bool cut)
    {
        var history = new List<IWireMessage>(events);
        var at = new DateTimeOffset(2026, 11, 16, 0, 0, 0, TimeSpan.Zero);
        var register = 0.0;
        for (var s = 0; history.Count < events; s++)
        {
            var id = $"{charger.Value}-{s}";
            var start = register;
            history.Add(new SmartElek.Charger.Sessions.SessionEvents.PluggedIn(id, at, register));
            history.Add(new SmartElek.Charger.Sessions.SessionEvents.Authorised(id, at, "auto-start"));
            history.Add(new SmartElek.Charger.Sessions.SessionEvents.Charging(id, at.AddSeconds(3)));
            for (var r = 0; r < SessionEvents - 5; r++)
            {
                at = at.AddMinutes(1);
                register += 120;
                history.Add(new ChargerJournalEvents.EnergyRecorded(charger, at, register, id));
            }
            history.Add(new SmartElek.Charger.Sessions.SessionEvents.Stopped(id, at, SmartElek.Charger.Sessions.StopReason.EvDisconnected, register, register - start, 30));
            history.Add(new SmartElek.Charger.Sessions.SessionEvents.PluggedOut(id, at, register, register - start));
            at = at.AddHours(5);
        }
        history.RemoveRange(events, history.Count - events);
        if (cut && history[^1] is SmartElek.Charger.Sessions.SessionEvents.PluggedOut)
            history.RemoveRange(history.Count - 2, 2);
        return history;
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
}

/// <summary>The garbage collector's work between two moments: what a recovery allocates costs pauses on every thread.</summary>
internal readonly record struct GcFigures(int Gen0, int Gen1, int Gen2, TimeSpan Paused, long AllocatedBytes, int Threads)
{
    public static GcFigures Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
        GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(), ThreadPool.ThreadCount);

    public static GcFigures operator -(GcFigures after, GcFigures before) =>
        new(after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2, after.Paused - before.Paused,
            after.AllocatedBytes - before.AllocatedBytes, after.Threads);

    public override string ToString() =>
        $"{AllocatedBytes / 1e6:N0} MB allocated, GC gen0/1/2 {Gen0}/{Gen1}/{Gen2}, paused {Paused.TotalSeconds:N2} s; {Threads} pool threads";
}
