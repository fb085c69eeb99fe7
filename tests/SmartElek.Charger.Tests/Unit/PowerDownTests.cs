using CsCheck;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Unit;

namespace SmartElek.Charger.Tests.Unit;

public class PowerDownTests
{
    private static readonly TimeSpan T0 = TimeSpan.FromHours(3);
    private static readonly TimeSpan FlushWait = TimeSpan.FromSeconds(10);

    private static PowerDown Cycle() => new(PowerDownKind.PowerCycle, StopReason.Reboot, "test", T0);

    [Fact]
    public void A_controlled_stop_ends_when_the_current_has_fallen_the_contacts_are_open_or_its_window_is_over()
    {
        var down = Cycle();
        Assert.True(down.Stopping);
        Assert.False(down.StopOver(T0 + TimeSpan.FromSeconds(1), relaysClosed: true, meteredAmps: 16));
        Assert.True(down.StopOver(T0 + TimeSpan.FromSeconds(1), relaysClosed: true, meteredAmps: 0.4));
        Assert.True(down.StopOver(T0 + TimeSpan.FromSeconds(1), relaysClosed: false, meteredAmps: 16));
        Assert.False(down.StopOver(T0 + PowerDown.ControlledStopWindow - TimeSpan.FromTicks(1), true, 16));
        Assert.True(down.StopOver(T0 + PowerDown.ControlledStopWindow, true, 16));
    }

    [Fact]
    public void No_reading_keeps_the_contacts_closed_past_the_window()
    {
        // Invariant 5's exception is bounded: whatever the vehicle draws, the stop is over at the window.
        Gen.Select(Gen.Double[0, 80], Gen.Bool, Gen.Long[0, TimeSpan.TicksPerMinute], (amps, closed, ticks) => (amps, closed, ticks)).Sample(t =>
        {
            var now = T0 + TimeSpan.FromTicks(t.ticks);
            var over = Cycle().StopOver(now, t.closed, t.amps);
            if (now - T0 >= PowerDown.ControlledStopWindow || !t.closed || t.amps < PowerDown.FallenAmps)
                Assert.True(over);
            else
                Assert.False(over);
        });
    }

    [Fact]
    public void The_flush_waits_for_the_journal_and_the_session_stop_and_gives_up_after_the_wait()
    {
        Assert.Equal(FlushOutcome.Waiting, Cycle().Flush(T0, 0, sessionAuthorised: false, FlushWait));
        var opened = Cycle().RelaysOpened(T0 + TimeSpan.FromSeconds(2), sessionStopAsked: true);
        Assert.False(opened.Stopping);
        Assert.Equal(opened, opened.RelaysOpened(T0 + TimeSpan.FromSeconds(9), sessionStopAsked: false));
        var at = T0 + TimeSpan.FromSeconds(3);
        Assert.Equal(FlushOutcome.Waiting, opened.Flush(at, pendingEvents: 2, sessionAuthorised: false, FlushWait));
        // The stop was asked but the session still runs: it has not come back yet.
        Assert.Equal(FlushOutcome.Waiting, opened.Flush(at, 0, sessionAuthorised: true, FlushWait));
        Assert.Equal(FlushOutcome.Flushed, opened.Flush(at, 0, sessionAuthorised: false, FlushWait));
        Assert.Equal(FlushOutcome.GaveUp, opened.Flush(T0 + TimeSpan.FromSeconds(12), 1, false, FlushWait));
        // A session that was not asked to stop (none was running) is not waited for.
        Assert.Equal(FlushOutcome.Flushed, Cycle().RelaysOpened(T0, sessionStopAsked: false).Flush(T0, 0, sessionAuthorised: true, FlushWait));
    }
}
