using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using SmartElek.Actors.Charger;
using SmartElek.Actors.Persistence;
using SmartElek.Actors.Tests.Persistence;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Simulation;
using Xunit.Abstractions;
using static SmartElek.Charger.Journal.ChargerJournalEvents;

namespace SmartElek.Actors.Tests.Charger;

/// <summary>
/// Charger units with a journal on a real database, in real time: persistence runs on its own
/// threads, so the unit's timers run on the real clock too, with short periods (a session of a few
/// seconds at 7.2 kW). Waits are dilated by the test time factor for 2 shared cores. Each
/// <see cref="PowerUp"/> is a new ActorSystem, as after a reboot.
/// </summary>
public sealed class ChargerJournalRig(TestDatabase database, ITestOutputHelper output, string? extraHocon = null) : IAsyncDisposable
{
    public static readonly ChargerId Id = new("journal-unit-1");
    public const double TimeFactor = 3;

    private readonly List<ActorSystem> _systems = [];

    public static ChargerJournalSettings JournalSettings { get; } = new()
    {
        DurableReadingInterval = TimeSpan.FromSeconds(1),
        // Small, so that recoveries here read a snapshot and a tail.
        SnapshotEvery = 5,
        Guard = new PersistenceGuardSettings { Capacity = 1_000, MinBackoff = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromSeconds(1) },
    };

    /// <summary>Real-time periods a few times shorter than the product's, so a test session takes seconds.</summary>
    public static ChargerUnitOptions Options { get; } = ChargerUnitOptions.Default with
    {
        MeterPoll = TimeSpan.FromMilliseconds(100),
        OfferPacing = TimeSpan.FromMilliseconds(500),
        Journal = JournalSettings,
    };

    public static VehicleSpec Vehicle { get; } = new(BatteryKwh: 80, StartSocPercent: 20, ResponseDelay: TimeSpan.FromMilliseconds(200));

    public ActorSystem System { get; private set; } = null!;
    public SimulatedCharger Board { get; private set; } = null!;
    public IActorRef Unit { get; private set; } = ActorRefs.Nobody;

    /// <summary>A new ActorSystem and board (the vehicle plugged in first when <paramref name="vehicleIn"/>), then the unit.</summary>
    public void PowerUp(ChargerSettings settings, bool vehicleIn = false, ChargerUnitOptions? options = null)
    {
        System = ActorSystem.Create("journal-life-" + _systems.Count, database.Config(extraHocon));
        _systems.Add(System);
        Board = new SimulatedCharger(ChargerClock.Of(System));
        if (vehicleIn)
            Board.PlugIn(Vehicle);
        Unit = System.ActorOf(ChargerUnit.Props(Id, Board, settings, options ?? Options), "unit");
    }

    /// <summary>Terminates the ActorSystem without stopping the unit first: the crash or the power loss.</summary>
    public async Task CrashAsync() => await System.Terminate();

    public Task<T> AskAsync<T>(object message) => Unit.Ask<T>(message, Dilated(TimeSpan.FromSeconds(10)));

    public Task<ChargerStatus> StatusAsync() => AskAsync<ChargerStatus>(ChargerProtocol.GetStatus.Instance);

    public Task<PersistenceGuardProtocol.Status> GuardAsync() =>
        System.ActorSelection(Unit.Path / "journal-guard").Ask<PersistenceGuardProtocol.Status>(PersistenceGuardProtocol.GetStatus.Instance, Dilated(TimeSpan.FromSeconds(2)));

    public bool RelaysClosed => Board.RelayL1.Commanded == RelayPosition.Closed && Board.RelayL2.Commanded == RelayPosition.Closed;

    /// <summary>Polls <paramref name="probe"/> until <paramref name="ok"/>; fails naming <paramref name="what"/> and the last value.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> ok, string what, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + Dilated(limit);
        while (true)
        {
            T value;
            try
            {
                value = await probe();
            }
            catch (AskTimeoutException) when (DateTime.UtcNow < deadline)
            {
                continue; // not created yet (a selection), or busy: ask again
            }
            if (ok(value))
                return value;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"Not within {Dilated(limit)}: {what}. Last: {value}");
            await Task.Delay(50);
        }
    }

    public Task<ChargerStatus> StatusUntilAsync(Func<ChargerStatus, bool> ok, string what, double seconds = 20) =>
        EventuallyAsync(StatusAsync, ok, what, TimeSpan.FromSeconds(seconds));

    /// <summary>Waits until every command the unit gave its journal is stored.</summary>
    public Task<PersistenceGuardProtocol.Status> AllStoredAsync(double seconds = 20) =>
        EventuallyAsync(GuardAsync, s => s is { Ready: true, Pending: 0 }, "the journal has stored everything", TimeSpan.FromSeconds(seconds));

    /// <summary>The unit's journal as stored in the database, read back through the read journal.</summary>
    public async Task<IReadOnlyList<EventEnvelope>> JournalAsync()
    {
        var journal = PersistenceQuery.Get(System).ReadJournalFor<SqlReadJournal>(PersistenceHocon.ReadJournalPluginId);
        return await journal.CurrentEventsByPersistenceId(ChargerJournal.PersistenceIdOf(Id), 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), System.Materializer());
    }

    /// <summary>
    /// Waits until the journal holds <paramref name="count"/> durable readings of the session (taken
    /// after <paramref name="after"/> when given): charging went on for that many reading intervals
    /// and reached the database, however slow the machine.
    /// </summary>
    public Task<IReadOnlyList<EnergyRecorded>> ReadingsStoredAsync(string sessionId, int count, DateTimeOffset? after = null, double seconds = 30) =>
        EventuallyAsync(async () => (IReadOnlyList<EnergyRecorded>)(await JournalAsync()).Select(e => e.Event).OfType<EnergyRecorded>()
                .Where(r => r.SessionId == sessionId && (after is null || r.At > after)).ToList(),
            readings => readings.Count >= count, $"{count} durable readings of session {sessionId}" + (after is null ? "" : $" after {after:HH:mm:ss.fff}"),
            TimeSpan.FromSeconds(seconds));

    public async Task<IReadOnlyList<EventEnvelope>> TaggedAsync(string tag)
    {
        var journal = PersistenceQuery.Get(System).ReadJournalFor<SqlReadJournal>(PersistenceHocon.ReadJournalPluginId);
        return await journal.CurrentEventsByTag(tag, Offset.NoOffset())
            .RunWith(Sink.Seq<EventEnvelope>(), System.Materializer());
    }

    public void Log(string line) => output.WriteLine(line);

    public static TimeSpan Dilated(TimeSpan span) => span * TimeFactor;

    public async ValueTask DisposeAsync()
    {
        foreach (var system in _systems)
            await system.Terminate();
    }
}
