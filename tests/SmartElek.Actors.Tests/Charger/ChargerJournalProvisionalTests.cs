using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using SmartElek.Actors.Charger;
using SmartElek.Actors.Persistence;
using SmartElek.Actors.Tests.Persistence;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Sessions;
using static SmartElek.Charger.Journal.ChargerJournalEvents;

namespace SmartElek.Actors.Tests.Charger;

/// <summary>
/// The journal's side of provisional charging, on a real SQLite file: what a unit recorded before its
/// journal answered is written after the power-up close, moved onto the recovered register, across
/// several commands, and no longer moved after a register reset.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class ChargerJournalProvisionalTests : IAsyncLifetime
{
    private static readonly ChargerId Id = new("provisional-unit");
    private static readonly TimeSpan Ask = ChargerJournalRig.Dilated(TimeSpan.FromSeconds(10));
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private readonly JournalLives _lives = new("provisional", Id);

    private static async Task AllStoredAsync(IActorRef guard)
    {
        await ChargerJournalRig.EventuallyAsync(() => guard.Ask<PersistenceGuardProtocol.Status>(PersistenceGuardProtocol.GetStatus.Instance, Ask),
            s => s is { Ready: true, Pending: 0 }, "the journal stored everything", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Provisional_events_follow_the_power_up_close_moved_onto_the_recovered_register_until_a_reset()
    {
        // First life: a session cut at a durable 1,040 Wh.
        var (first, journal) = _lives.Start(new ChargerJournalSettings());
        journal.Tell(new ChargerJournalProtocol.Record([new SessionEvents.PluggedIn("s-1", T0, 1_000), new SessionEvents.Authorised("s-1", T0, "auto-start")]));
        journal.Tell(new ChargerJournalProtocol.Record([new EnergyRecorded(Id, T0.AddSeconds(10), 1_040, "s-1")]));
        await AllStoredAsync(journal);
        await first.Terminate();

        // Second life: what the unit recorded provisionally, its register from 0 Wh, sent behind the PowerUp.
        var (second, again) = _lives.Start(new ChargerJournalSettings());
        var t = T0.AddMinutes(5);
        var recovered = await again.Ask<ChargerJournalProtocol.Recovered>(new ChargerJournalProtocol.PowerUp(t), Ask);
        Assert.Equal(1_040, recovered.State.DurableRegisterWh);
        Assert.Equal(2, recovered.ClosedAtPowerUp.Count);
        IWireMessage[][] provisional =
        [
            [new SessionEvents.PluggedIn("s-2", t, 0), new SessionEvents.Authorised("s-2", t, "auto-start")],
            [new EnergyRecorded(Id, t.AddSeconds(10), 5, "s-2")],
            [new SessionEvents.Stopped("s-2", t.AddSeconds(20), StopReason.Local, 8, 8, 16), new SessionEvents.PluggedOut("s-2", t.AddSeconds(20), 8, 8)],
            [new RegisterReset(Id, t.AddSeconds(30), 8)],
            [new SessionEvents.PluggedIn("s-3", t.AddSeconds(40), 0)],
            [new EnergyRecorded(Id, t.AddSeconds(50), 3, "s-3")],
        ];
        foreach (var command in provisional)
            again.Tell(new ChargerJournalProtocol.RecordProvisional(command));
        await AllStoredAsync(again);

        var journalled = await PersistenceQuery.Get(second).ReadJournalFor<SqlReadJournal>(PersistenceHocon.ReadJournalPluginId)
            .CurrentEventsByPersistenceId(ChargerJournal.PersistenceIdOf(Id), 0, long.MaxValue)
            .Select(e => (IWireMessage)e.Event)
            .RunWith(Sink.Seq<IWireMessage>(), second.Materializer());
        IWireMessage[] expected =
        [
            new SessionEvents.PluggedIn("s-1", T0, 1_000),
            new SessionEvents.Authorised("s-1", T0, "auto-start"),
            new EnergyRecorded(Id, T0.AddSeconds(10), 1_040, "s-1"),
            .. recovered.ClosedAtPowerUp,
            new SessionEvents.PluggedIn("s-2", t, 1_040),
            new SessionEvents.Authorised("s-2", t, "auto-start"),
            new EnergyRecorded(Id, t.AddSeconds(10), 1_045, "s-2"),
            new SessionEvents.Stopped("s-2", t.AddSeconds(20), StopReason.Local, 1_048, 8, 16),
            new SessionEvents.PluggedOut("s-2", t.AddSeconds(20), 1_048, 8),
            new RegisterReset(Id, t.AddSeconds(30), 1_048),
            // After the reset the register counts from 0 for real: not moved.
            new SessionEvents.PluggedIn("s-3", t.AddSeconds(40), 0),
            new EnergyRecorded(Id, t.AddSeconds(50), 3, "s-3"),
        ];
        Assert.Equal(expected, journalled);
        Assert.Equal(new SessionEvents.PluggedOut("s-1", T0.AddSeconds(10), 1_040, 40), recovered.ClosedAtPowerUp[^1]);
        var state = await again.Ask<ChargerJournalState>(ChargerJournalProtocol.GetState.Instance, Ask);
        Assert.Equal(3, state.DurableRegisterWh);
        Assert.Equal(8, state.Session.LastCompleted?.EnergyWh);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _lives.DisposeAsync();
}
