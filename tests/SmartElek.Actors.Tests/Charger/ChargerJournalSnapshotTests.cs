using Akka.Actor;
using Akka.Persistence;
using SmartElek.Actors.Charger;
using SmartElek.Actors.Tests.Persistence;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Sessions;
using static SmartElek.Charger.Journal.ChargerJournalEvents;

namespace SmartElek.Actors.Tests.Charger;

/// <summary>
/// The snapshot after a power-up close is deferred (so that a site-wide restart does not queue a
/// thousand snapshot writes behind its closes), and a restart before it is taken still recovers
/// the same journal. A real SQLite file, in real time.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class ChargerJournalSnapshotTests : IAsyncLifetime
{
    private static readonly ChargerId Id = new("snapshot-unit");
    private static readonly TimeSpan Ask = ChargerJournalRig.Dilated(TimeSpan.FromSeconds(10));
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private readonly JournalLives _lives = new("snapshot", Id);

    private static ChargerJournalSettings Settings(TimeSpan snapshotDelay) =>
        new() { SnapshotEvery = 100, SnapshotAfterPowerUpClose = snapshotDelay };

    private static async Task<long?> LatestSnapshotAsync(ActorSystem system)
    {
        var store = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);
        var result = await store.Ask<LoadSnapshotResult>(
            new LoadSnapshot(ChargerJournal.PersistenceIdOf(Id), SnapshotSelectionCriteria.Latest, long.MaxValue), Ask);
        return result.Snapshot?.Metadata.SequenceNr;
    }

    [Fact]
    public async Task The_snapshot_after_a_power_up_close_is_taken_after_the_delay_and_a_restart_before_it_recovers_the_same_journal()
    {
        const string session = "s-1";
        IWireMessage[] cutSession =
        [
            new SessionEvents.PluggedIn(session, T0, 1_000),
            new SessionEvents.Authorised(session, T0, "auto-start"),
            new SessionEvents.Charging(session, T0.AddSeconds(3)),
            new EnergyRecorded(Id, T0.AddSeconds(10), 1_020, session),
            new EnergyRecorded(Id, T0.AddSeconds(20), 1_040, session),
        ];

        // First life: a session that the power loss cuts (no stop, no plug-out); no snapshot yet.
        var (first, journal) = _lives.Start(Settings(TimeSpan.FromSeconds(1)));
        foreach (var e in cutSession)
            journal.Tell(new ChargerJournalProtocol.Record([e]));
        Assert.Equal(1_040, (await journal.Ask<ChargerJournalState>(ChargerJournalProtocol.GetState.Instance, Ask)).DurableRegisterWh);
        Assert.Null(await LatestSnapshotAsync(first));
        await first.Terminate();

        // Second life with a delay longer than the test: closed and durable, but no snapshot at the close.
        var (second, late) = _lives.Start(Settings(TimeSpan.FromHours(1)));
        var recovered = await late.Ask<ChargerJournalProtocol.Recovered>(new ChargerJournalProtocol.PowerUp(T0.AddHours(1)), Ask);
        Assert.Equal([typeof(SessionEvents.Stopped), typeof(SessionEvents.PluggedOut)], recovered.ClosedAtPowerUp.Select(e => e.GetType()));
        Assert.False(recovered.State.Session.VehiclePresent);
        await Task.Delay(ChargerJournalRig.Dilated(TimeSpan.FromSeconds(1)));
        Assert.Null(await LatestSnapshotAsync(second));
        await second.Terminate();

        // Third life, before any snapshot: the tail and the close replay to the same state, nothing is closed twice.
        var (third, again) = _lives.Start(Settings(TimeSpan.FromSeconds(1)));
        var replayed = await again.Ask<ChargerJournalProtocol.Recovered>(new ChargerJournalProtocol.PowerUp(T0.AddHours(2)), Ask);
        Assert.Empty(replayed.ClosedAtPowerUp);
        Assert.Equal(recovered.State.ToSnapshot() with { Faults = [] }, replayed.State.ToSnapshot() with { Faults = [] });
        Assert.Equal(StopReason.PowerLoss, replayed.State.Session.LastCompleted?.StopReason);
        await third.Terminate();

        // Fourth life: a close with a 1 s delay is snapshotted within [1 s, 2 s], at the close's last event.
        var (fourth, cut) = _lives.Start(Settings(TimeSpan.FromSeconds(1)));
        cut.Tell(new ChargerJournalProtocol.Record([new SessionEvents.PluggedIn("s-2", T0.AddHours(3), 1_040)]));
        cut.Tell(new ChargerJournalProtocol.Record([new EnergyRecorded(Id, T0.AddHours(3).AddSeconds(10), 1_060, "s-2")]));
        await cut.Ask<ChargerJournalState>(ChargerJournalProtocol.GetState.Instance, Ask);
        await fourth.Terminate();
        var (fifth, closing) = _lives.Start(Settings(TimeSpan.FromSeconds(1)));
        var closed = await closing.Ask<ChargerJournalProtocol.Recovered>(new ChargerJournalProtocol.PowerUp(T0.AddHours(4)), Ask);
        Assert.Equal(2, closed.ClosedAtPowerUp.Count);
        // 5 + 2 events of s-1, 2 of s-2 and its 2 closing events.
        const long lastSequenceNr = 11;
        var deadline = DateTime.UtcNow + ChargerJournalRig.Dilated(TimeSpan.FromSeconds(5));
        long? snapshot;
        while ((snapshot = await LatestSnapshotAsync(fifth)) != lastSequenceNr && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Equal(lastSequenceNr, snapshot);
    }

    [Fact]
    public void A_negative_snapshot_delay_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Settings(TimeSpan.FromSeconds(-1)).Validate());
        Assert.Equal(nameof(ChargerJournalSettings.SnapshotAfterPowerUpClose), error.ParamName);
    }

    [Fact]
    public void A_recovery_wait_that_is_not_positive_is_refused_by_name()
    {
        foreach (var wait in new[] { TimeSpan.Zero, TimeSpan.FromSeconds(-1) })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => (new ChargerJournalSettings { RecoveryWait = wait }).Validate());
            Assert.Equal(nameof(ChargerJournalSettings.RecoveryWait), error.ParamName);
        }
        Assert.Equal(TimeSpan.FromSeconds(5), new ChargerJournalSettings().Validate().RecoveryWait);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _lives.DisposeAsync();
}
