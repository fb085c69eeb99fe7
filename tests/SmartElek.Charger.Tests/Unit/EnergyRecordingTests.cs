using CsCheck;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Unit;

namespace SmartElek.Charger.Tests.Unit;

public class EnergyRecordingTests
{
    private static readonly ChargerId Id = new("unit-1");
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void A_reading_becomes_durable_once_per_interval_a_sample_early_and_only_when_the_register_moved()
    {
        var (r, record) = EnergyRecording.PowerUp.Sampled(100).TakeReadingIfDue(S(0), Poll, Interval);
        Assert.True(record);
        Assert.Equal(100, r.LastDurableWh);
        (r, record) = r.Sampled(150).TakeReadingIfDue(S(58), Poll, Interval);
        Assert.False(record);
        // 59 s + the 1 s poll would reach the interval with the next sample: taken now.
        (r, record) = r.TakeReadingIfDue(S(59.5), Poll, Interval);
        Assert.True(record);
        Assert.Equal((150.0, S(59.5)), (r.LastDurableWh!.Value, r.LastDurableAt!.Value));
        // Not moved: nothing to record however long it has been.
        Assert.False(r.TakeReadingIfDue(S(600), Poll, Interval).Record);
        Assert.False(r.TakeReadingAtPowerDown(S(600)).Record);
        // At a power cycle the last value is recorded whatever the interval.
        (r, record) = r.Sampled(151).TakeReadingAtPowerDown(S(60));
        Assert.True(record);
        Assert.Equal(151, r.LastDurableWh);
    }

    [Fact]
    public void A_recovery_in_time_carries_the_register_on_from_its_durable_value_or_from_0_after_a_reset_meanwhile()
    {
        var r = EnergyRecording.PowerUp.Recovered(5000);
        Assert.Equal((5000.0, 5000.0), (r.RegisterWh, r.LastDurableWh!.Value));
        Assert.Equal(5012, r.Sampled(5012).RegisterWh);

        var reset = EnergyRecording.PowerUp
            .Journaled([new ChargerJournalEvents.RegisterReset(Id, DateTimeOffset.UnixEpoch, 0)], beforeRecovery: true)
            .RegisterReset();
        Assert.True(reset.RegisterResetBeforeRecovery);
        Assert.Equal(0, reset.Recovered(5000).RegisterWh);
        Assert.Contains("durable register", Assert.Throws<ArgumentOutOfRangeException>(() => EnergyRecording.PowerUp.Recovered(-1)).Message);
    }

    [Fact]
    public void Only_what_is_journaled_before_the_recovery_marks_settings_or_the_register_as_newer()
    {
        var settings = new ChargerJournalEvents.SettingsChanged(Id, DateTimeOffset.UnixEpoch, ChargerSettings.Factory);
        var after = EnergyRecording.PowerUp.Journaled([settings], beforeRecovery: false);
        Assert.False(after.SettingsChangedBeforeRecovery);
        Assert.True(EnergyRecording.PowerUp.Journaled([settings], beforeRecovery: true).SettingsChangedBeforeRecovery);
        // Provisional charging is before the recovery too.
        var provisional = EnergyRecording.PowerUp.ChargingProvisionally().Journaled([settings], beforeRecovery: false);
        Assert.True(provisional.SettingsChangedBeforeRecovery);
        Assert.False(provisional.RegisterResetBeforeRecovery);
    }

    [Fact]
    public void Provisional_energy_moves_onto_the_recovered_register_and_the_session_keeps_its_energy()
    {
        var r = EnergyRecording.PowerUp.Recovered(0).ChargingProvisionally();
        Assert.True(r.Provisional && r.SessionProvisional);
        Assert.Equal(0, r.RegisterWh);
        (r, _) = r.Sampled(300).TakeReadingIfDue(S(10), Poll, Interval);
        var session = SessionState.Empty with { Phase = SessionPhase.Charging, StartRegisterWh = 100 };
        Assert.Same(session, EnergyRecording.PowerUp.OnRegister(session));

        r = r.ProvisionalEnded(7000);
        Assert.False(r.Provisional);
        Assert.True(r.SessionProvisional);
        Assert.Equal((7000.0, 7300.0, 7300.0), (r.OffsetWh, r.RegisterWh, r.LastDurableWh!.Value));
        Assert.Equal(7310, r.Sampled(310).RegisterWh);
        var onRegister = r.OnRegister(session);
        Assert.Equal(7100, onRegister.StartRegisterWh);
        Assert.Equal(session.EnergyWh(310), onRegister.EnergyWh(r.Sampled(310).RegisterWh));
        // Once the session actor rebased, its reports are on the register already.
        Assert.Same(session, r.SessionRebased().OnRegister(session));
    }

    [Fact]
    public void A_register_reset_starts_from_0_Wh_for_real_with_nothing_durable_yet()
    {
        var r = EnergyRecording.PowerUp.Recovered(0).ChargingProvisionally().Sampled(40).ProvisionalEnded(1000).RegisterReset();
        Assert.Equal(0, r.OffsetWh);
        Assert.Null(r.LastDurableWh);
        Assert.Equal(0, r.Sampled(0).RegisterWh);
        Assert.True(r.Sampled(0).TakeReadingIfDue(S(1), Poll, Interval).Record);
    }

    private enum Step { Sample, Reading, PowerDown, Provisional, Recovered, Reset }

    [Fact]
    public void The_register_never_goes_backwards_and_nothing_durable_is_ever_above_it()
    {
        // A unit with or without a journal. With one, the meter waits for the recovery or, past the
        // wait, counts provisionally from 0 Wh until the journal answers; without, it counts at once.
        // The meter counts up and restarts only when told to reset.
        var steps = Gen.Select(
            Gen.FrequencyConst((8, Step.Sample), (4, Step.Reading), (1, Step.PowerDown), (2, Step.Provisional), (2, Step.Recovered), (1, Step.Reset)),
            Gen.Double[0, 500], (s, x) => (s, x));
        Gen.Select(Gen.Bool, Gen.Double[0, 100_000], steps.Array[1, 60], (journal, durable, list) => (journal, durable, list)).Sample(t =>
        {
            var r = EnergyRecording.PowerUp;
            var meter = 0.0;
            var counting = !t.journal;
            var waiting = t.journal;
            var now = TimeSpan.Zero;
            // The meter resets when told, the register follows with its next sample. The unit resets
            // only without a vehicle and records readings only with one, so none comes in between.
            var resetPending = false;
            foreach (var (step, x) in t.list)
            {
                var before = r;
                now += S(x / 10);
                switch (step)
                {
                    case Step.Sample when counting:
                        meter += x;
                        r = r.Sampled(meter);
                        if (resetPending)
                        {
                            resetPending = false;
                            before = r;
                        }
                        break;
                    case Step.Reading when !resetPending:
                        (r, var record) = r.TakeReadingIfDue(now, Poll, Interval);
                        if (record)
                            Assert.True(before.LastDurableWh is not { } d || r.RegisterWh > d, "recorded although the register did not move");
                        else
                            Assert.Same(before, r);
                        break;
                    case Step.PowerDown when !resetPending:
                        (r, var recorded) = r.TakeReadingAtPowerDown(now);
                        Assert.Equal(before.LastDurableWh is not { } last || before.RegisterWh > last, recorded);
                        break;
                    case Step.Provisional when waiting:
                        r = r.ChargingProvisionally();
                        waiting = false;
                        counting = true;
                        meter = 0;
                        break;
                    case Step.Recovered when t.journal && (waiting || r.Provisional):
                        var expected = r.RegisterResetBeforeRecovery ? 0 : t.durable;
                        if (waiting)
                        {
                            r = r.Recovered(t.durable);
                            // The meter starts again from the durable value.
                            meter = r.RegisterWh;
                            Assert.Equal(expected, r.RegisterWh);
                        }
                        else
                        {
                            r = r.ProvisionalEnded(t.durable);
                            Assert.Equal(expected, r.OffsetWh);
                        }
                        waiting = false;
                        counting = true;
                        break;
                    case Step.Reset:
                        r = r.Journaled([new ChargerJournalEvents.RegisterReset(Id, DateTimeOffset.UnixEpoch, r.RegisterWh)], beforeRecovery: waiting).RegisterReset();
                        meter = 0;
                        resetPending = true;
                        break;
                    default:
                        continue;
                }
                if (step != Step.Reset)
                    Assert.True(r.RegisterWh >= before.RegisterWh, $"register went from {before.RegisterWh} to {r.RegisterWh} Wh at {step}");
                if (r.LastDurableWh is { } durable)
                    Assert.True(durable <= r.RegisterWh, $"durable {durable} Wh above the register {r.RegisterWh} Wh after {step}");
                if (!resetPending)
                    Assert.Equal(meter + r.OffsetWh, r.RegisterWh, 1e-6);
            }
        });
    }
}
