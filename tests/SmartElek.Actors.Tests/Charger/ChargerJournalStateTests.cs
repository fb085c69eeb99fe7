using CsCheck;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using static SmartElek.Charger.Journal.ChargerJournalEvents;

namespace SmartElek.Actors.Tests.Charger;

/// <summary>The journal's pure state: what a recovery rebuilds and how it closes a session cut by a power loss.</summary>
[Trait("Speed", "Fast")]
public sealed class ChargerJournalStateTests
{
    private static readonly ChargerId Charger = new("journal-1");
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_open_charging_session_is_stopped_for_power_loss_and_plugged_out_at_the_last_durable_reading()
    {
        var state = ChargerJournalState.Empty.ApplyAll(
        [
            new SessionEvents.PluggedIn("s1", T0, 1000),
            new SessionEvents.Authorised("s1", T0, "auto-start"),
            new SessionEvents.Charging("s1", T0.AddSeconds(3)),
            new SessionEvents.PeakCurrentRaised("s1", T0.AddSeconds(4), 29.5),
            new EnergyRecorded(Charger, T0.AddSeconds(10), 1020, "s1"),
            new EnergyRecorded(Charger, T0.AddSeconds(20), 1040, "s1"),
        ]);

        var close = state.PowerLossClose();

        Assert.Equal(
        [
            new SessionEvents.Stopped("s1", T0.AddSeconds(20), StopReason.PowerLoss, 1040, 40, 29.5),
            new SessionEvents.PluggedOut("s1", T0.AddSeconds(20), 1040, 40),
        ], close);
        var closed = state.ApplyAll(close);
        Assert.Equal(SessionPhase.NoVehicle, closed.Session.Phase);
        Assert.Equal(StopReason.PowerLoss, closed.Session.LastCompleted?.StopReason);
        Assert.Equal(40, closed.Session.LastCompleted?.EnergyWh);
        Assert.Empty(closed.PowerLossClose());
    }

    [Fact]
    public void A_session_stopped_before_the_power_loss_is_only_plugged_out_with_the_energy_of_its_stop()
    {
        var state = ChargerJournalState.Empty.ApplyAll(
        [
            new SessionEvents.PluggedIn("s1", T0, 500),
            new SessionEvents.Authorised("s1", T0, "auto-start"),
            new EnergyRecorded(Charger, T0.AddSeconds(10), 520, "s1"),
            new SessionEvents.Stopped("s1", T0.AddSeconds(15), StopReason.Local, 530, 30, 16),
        ]);

        Assert.Equal([new SessionEvents.PluggedOut("s1", T0.AddSeconds(15), 530, 30)], state.PowerLossClose());
    }

    [Fact]
    public void Nothing_is_closed_without_an_open_session()
    {
        var state = ChargerJournalState.Empty.ApplyAll(
        [
            new SessionEvents.PluggedIn("s1", T0, 0),
            new SessionEvents.PluggedOut("s1", T0.AddMinutes(1), 0, 0),
        ]);
        Assert.Empty(state.PowerLossClose());
        Assert.Empty(ChargerJournalState.Empty.PowerLossClose());
    }

    [Fact]
    public void Settings_and_fault_history_come_back_and_a_duplicated_write_changes_nothing()
    {
        var settings = ChargerSettings.Factory with { Name = "Garage", MaxCurrent = 16 };
        var fault = FaultRecorded.Of(Charger, new FaultLogEntry(TimeSpan.FromDays(20_000), FaultKind.GroundLoss, FaultEntryType.Raised, "no ground"));
        var events = new IWireMessage[]
        {
            new SettingsChanged(Charger, T0, settings),
            fault,
            new SessionEvents.PluggedIn("s1", T0, 10),
            new SessionEvents.PluggedOut("s1", T0.AddMinutes(5), 70, 60),
        };
        var once = ChargerJournalState.Empty.ApplyAll(events);
        // A write retried after the database had taken it lands twice in a row.
        var twice = ChargerJournalState.Empty.ApplyAll(events.SelectMany(e => new[] { e, e }));

        Assert.Equal(settings, once.Settings);
        Assert.Equal([fault.ToEntry()], once.FaultLog);
        Assert.Equal(once.ToSnapshot().Session, twice.ToSnapshot().Session);
        Assert.Equal(once.Faults, twice.Faults);
        Assert.Equal(once.DurableRegisterWh, twice.DurableRegisterWh);
        Assert.Equal(60, twice.Session.LastCompleted?.EnergyWh);
    }

    [Fact]
    public void The_fault_history_keeps_the_newest_entries_up_to_its_capacity()
    {
        var faults = Enumerable.Range(0, ChargerJournalState.FaultCapacity + 7)
            .Select(i => new FaultRecorded(Charger, T0.AddSeconds(i), FaultKind.OverCurrent, FaultEntryType.Raised, $"#{i}"))
            .ToList();
        var state = ChargerJournalState.Empty.ApplyAll(faults);
        Assert.Equal(ChargerJournalState.FaultCapacity, state.Faults.Count);
        Assert.Equal("#7", state.Faults[0].Detail);
        Assert.Equal(state.Faults, ChargerJournalState.From(state.ToSnapshot()).Faults);
    }

    [Fact]
    public void A_register_reset_restarts_the_durable_value_from_zero()
    {
        var state = ChargerJournalState.Empty.ApplyAll(
        [
            new SessionEvents.PluggedIn("s1", T0, 100),
            new SessionEvents.PluggedOut("s1", T0.AddMinutes(1), 900, 800),
            new RegisterReset(Charger, T0.AddMinutes(2), 900),
        ]);
        Assert.Equal(0, state.DurableRegisterWh);
    }

    [Fact]
    public void An_event_a_charger_journal_does_not_hold_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => ChargerJournalState.Empty.Apply(new Persistence.LedgerCredited(Charger, 1, T0)));
        Assert.Contains("LedgerCredited", error.Message);
    }

    private enum Op { PlugIn, Charge, ChargeUnrecorded, Stop, PlugOut, Settings, Fault, Reset, Observe }

    private sealed record Step(Op Op, double Wh);

    /// <summary>
    /// Random charger lives (plug-ins, metered charging, readings made durable or not yet, stops,
    /// unplugs, settings, faults, factory resets) cut by a crash at a random point, recovered from the
    /// journal either by replaying everything or from a snapshot at another random point plus the tail,
    /// with the last write possibly journalled twice.
    /// </summary>
    [Fact]
    public void Recovered_register_is_never_below_a_durable_value_and_the_power_loss_close_never_reports_more()
    {
        var step = Gen.Select(Gen.Enum<Op>(), Gen.Double[0, 3000], (op, wh) => new Step(op, wh));
        Gen.Select(step.Array[1, 80], Gen.Int[0, 1000], Gen.Int[0, 1000], Gen.Bool).Sample((steps, crashAt, snapshotAt, duplicateLast) =>
        {
            var (events, trueRegister) = Life(steps);
            var crash = crashAt % (events.Count + 1);
            var journalled = events.Take(crash).ToList();
            if (duplicateLast && journalled.Count > 0)
                journalled.Add(journalled[^1]);
            var cut = snapshotAt % (journalled.Count + 1);
            var replayed = ChargerJournalState.Empty.ApplyAll(journalled);
            var fromSnapshot = ChargerJournalState.From(ChargerJournalState.Empty.ApplyAll(journalled.Take(cut)).ToSnapshot()).ApplyAll(journalled.Skip(cut));

            Assert.Equal(replayed.ToSnapshot() with { Faults = [] }, fromSnapshot.ToSnapshot() with { Faults = [] });
            Assert.Equal(replayed.Faults, fromSnapshot.Faults);

            var lastReset = journalled.FindLastIndex(e => e is RegisterReset);
            var durableValues = journalled.Skip(lastReset + 1).Select(RegisterOf).OfType<double>().ToList();
            var registerAtCrash = trueRegister[crash];
            Assert.True(replayed.DurableRegisterWh >= durableValues.DefaultIfEmpty(0).Max(), "recovered register below a durable value");
            Assert.True(replayed.DurableRegisterWh <= registerAtCrash + 1e-9, "recovered register above what was metered");

            var close = replayed.PowerLossClose();
            Assert.Equal(replayed.Session.VehiclePresent, close.Count > 0);
            foreach (var e in close)
            {
                var (register, energy) = e switch
                {
                    SessionEvents.Stopped s => (s.RegisterWh, s.EnergyWh),
                    SessionEvents.PluggedOut o => (o.RegisterWh, o.EnergyWh),
                    _ => throw new Xunit.Sdk.XunitException($"unexpected close event {e}"),
                };
                Assert.True(register <= replayed.DurableRegisterWh, $"{e} reports a register above the last durable reading {replayed.DurableRegisterWh}");
                Assert.True(energy <= Math.Max(0, replayed.DurableRegisterWh - replayed.Session.StartRegisterWh) + 1e-9, $"{e} reports more energy than was durable");
                Assert.True(energy >= 0);
            }
            var closed = replayed.ApplyAll(close);
            Assert.False(closed.Session.VehiclePresent);
            Assert.Empty(closed.PowerLossClose());
            if (close.Count > 0)
                Assert.Equal(close[^1].SessionId, closed.Session.LastCompleted?.SessionId);
        }, iter: 2000);
    }

    private static double? RegisterOf(IWireMessage e) => e switch
    {
        EnergyRecorded r => r.RegisterWh,
        SessionEvents.PluggedIn p => p.RegisterWh,
        SessionEvents.Stopped s => s.RegisterWh,
        SessionEvents.PluggedOut o => o.RegisterWh,
        _ => null,
    };

    /// <summary>The events a unit journals for these steps, and the true register after each event count.</summary>
    private static (List<IWireMessage> Events, List<double> TrueRegister) Life(Step[] steps)
    {
        var events = new List<IWireMessage>();
        var trueRegister = new List<double> { 0 };
        double register = 0, start = 0, peak = 0;
        string? session = null;
        var stopped = false;
        var t = T0;
        var sessions = 0;
        void Add(params IWireMessage[] es)
        {
            foreach (var e in es)
            {
                events.Add(e);
                trueRegister.Add(register);
            }
        }
        foreach (var s in steps)
        {
            t = t.AddSeconds(1 + s.Wh % 17);
            switch (s.Op)
            {
                case Op.PlugIn when session is null:
                    session = $"s{++sessions}";
                    start = register;
                    stopped = false;
                    peak = 0;
                    Add(new SessionEvents.PluggedIn(session, t, register), new SessionEvents.Authorised(session, t, "auto-start"));
                    break;
                case Op.Charge when session is not null && !stopped:
                    register += s.Wh;
                    trueRegister[^1] = register;
                    Add(new EnergyRecorded(Charger, t, register, session));
                    break;
                case Op.ChargeUnrecorded when session is not null && !stopped:
                    // Metered, not durable yet: the crash may come now.
                    register += s.Wh;
                    trueRegister[^1] = register;
                    break;
                case Op.Observe when session is not null && !stopped:
                    peak = Math.Max(peak, s.Wh / 100);
                    Add(new SessionEvents.Charging(session, t), new SessionEvents.PeakCurrentRaised(session, t, peak));
                    break;
                case Op.Stop when session is not null && !stopped:
                    stopped = true;
                    Add(new SessionEvents.Stopped(session, t, StopReason.Local, register, register - start, peak));
                    break;
                case Op.PlugOut when session is not null:
                    var end = stopped ? events.OfType<SessionEvents.Stopped>().Last().RegisterWh : register;
                    if (!stopped)
                        Add(new SessionEvents.Stopped(session, t, StopReason.EvDisconnected, register, register - start, peak));
                    Add(new SessionEvents.PluggedOut(session, t, end, end - start));
                    session = null;
                    break;
                case Op.Settings:
                    Add(new SettingsChanged(Charger, t, ChargerSettings.Factory with { MaxCurrent = 6 + s.Wh % 24 }));
                    break;
                case Op.Fault:
                    Add(new FaultRecorded(Charger, t, FaultKind.OverCurrent, FaultEntryType.Raised, $"{s.Wh:0}"));
                    break;
                case Op.Reset when session is null:
                    Add(new RegisterReset(Charger, t, register));
                    register = 0;
                    trueRegister[^1] = register;
                    break;
            }
        }
        return (events, trueRegister);
    }
}
