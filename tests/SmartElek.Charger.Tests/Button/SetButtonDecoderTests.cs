using CsCheck;
using SmartElek.Charger.Button;

namespace SmartElek.Charger.Tests.Button;

public class SetButtonDecoderTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    private static readonly Dictionary<int, SetButtonAction> Table = new()
    {
        [6] = SetButtonAction.RequestFirmwareUpdate,
        [7] = SetButtonAction.ToggleWifi,
        [9] = SetButtonAction.RestoreFactorySettings,
        [10] = SetButtonAction.Reboot,
        [13] = SetButtonAction.FactoryResetAndLeaveNetwork,
    };

    /// <summary>Taps with the given press lengths and gaps from <paramref name="start"/>; ticks every 100 ms until idle.</summary>
    private static List<SetButtonAction> Tap(SetButtonDecoder d, TimeSpan start, IEnumerable<(int PressMs, int GapMs)> taps)
    {
        var actions = new List<SetButtonAction>();
        var now = start;
        foreach (var (press, gap) in taps)
        {
            actions.AddRange(d.Pressed(now));
            actions.AddRange(d.Tick(now + Ms(press / 2)));
            now += Ms(press);
            actions.AddRange(d.Released(now));
            actions.AddRange(d.Tick(now + Ms(gap / 2)));
            now += Ms(gap);
        }
        for (var i = 0; i < 30; i++)
            actions.AddRange(d.Tick(now + Ms(100 * i)));
        return actions;
    }

    [Fact]
    public void Every_tap_count_yields_its_action_and_no_other() =>
        Gen.Int[1, 15].SelectMany(n => Gen.Select(Gen.Int[40, 1000], Gen.Int[40, 1400]).Array[n]).Sample(taps =>
        {
            var actions = Tap(new SetButtonDecoder(), Ms(5000), taps);
            if (Table.TryGetValue(taps.Length, out var expected))
                Assert.Equal([expected], actions);
            else
                Assert.Empty(actions);
        }, iter: 600);

    [Theory]
    [InlineData(6, SetButtonAction.RequestFirmwareUpdate)]
    [InlineData(7, SetButtonAction.ToggleWifi)]
    [InlineData(9, SetButtonAction.RestoreFactorySettings)]
    [InlineData(10, SetButtonAction.Reboot)]
    [InlineData(13, SetButtonAction.FactoryResetAndLeaveNetwork)]
    public void The_manual_table(int taps, SetButtonAction action)
    {
        Assert.Equal(action, SetButtonDecoder.ForTapCount(taps));
        Assert.Equal([action], Tap(new SetButtonDecoder(), Ms(0), Enumerable.Repeat((150, 200), taps)));
    }

    [Fact]
    public void The_sequence_ends_only_when_the_tap_window_has_passed()
    {
        var d = new SetButtonDecoder();
        var now = Ms(0);
        for (var i = 0; i < 6; i++)
        {
            d.Pressed(now);
            d.Released(now += Ms(100));
            now += Ms(100);
        }
        var lastRelease = now - Ms(100);
        Assert.Empty(d.Tick(lastRelease + Ms(1499)));
        Assert.Equal(6, d.PendingTaps);
        Assert.Equal([SetButtonAction.RequestFirmwareUpdate], d.Tick(lastRelease + Ms(1500)));
        Assert.Empty(d.Tick(lastRelease + Ms(5000)));
    }

    [Fact]
    public void A_long_gap_splits_taps_into_two_sequences()
    {
        var d = new SetButtonDecoder();
        // 6 taps, a gap of 2 s (no tick in it), 7 taps: two actions, not 13 taps.
        var actions = Tap(d, Ms(0), Enumerable.Repeat((100, 200), 5).Append((100, 2000)).Concat(Enumerable.Repeat((100, 200), 7)));
        Assert.Equal([SetButtonAction.RequestFirmwareUpdate, SetButtonAction.ToggleWifi], actions);
    }

    [Fact]
    public void A_press_after_the_window_ends_the_old_sequence_even_without_a_tick()
    {
        var d = new SetButtonDecoder();
        var now = Ms(0);
        for (var i = 0; i < 7; i++)
        {
            d.Pressed(now);
            d.Released(now += Ms(100));
            now += Ms(100);
        }
        Assert.Equal([SetButtonAction.ToggleWifi], d.Pressed(now + Ms(3000)));
        Assert.Equal(0, d.PendingTaps);
    }

    [Fact]
    public void Holding_3_seconds_closes_permit_join_once_and_cancels_the_taps()
    {
        var d = new SetButtonDecoder();
        var now = Ms(0);
        for (var i = 0; i < 6; i++)
        {
            d.Pressed(now);
            d.Released(now += Ms(100));
            now += Ms(200);
        }
        Assert.Equal(6, d.PendingTaps);
        var pressAt = now;
        Assert.Empty(d.Pressed(pressAt));
        Assert.Empty(d.Tick(pressAt + Ms(2999)));
        Assert.Equal([SetButtonAction.ClosePermitJoin], d.Tick(pressAt + Ms(3000)));
        Assert.Equal(0, d.PendingTaps);
        Assert.Empty(d.Tick(pressAt + Ms(4000)));
        Assert.Empty(d.Released(pressAt + Ms(5000)));
        for (var t = 5000; t < 9000; t += 100)
            Assert.Empty(d.Tick(pressAt + Ms(t)));
    }

    [Fact]
    public void A_hold_seen_only_at_release_still_closes_permit_join()
    {
        var d = new SetButtonDecoder();
        d.Pressed(Ms(0));
        Assert.Equal([SetButtonAction.ClosePermitJoin], d.Released(Ms(3200)));
        Assert.Empty(d.Tick(Ms(9000)));
    }

    [Fact]
    public void A_press_longer_than_a_tap_but_short_of_a_hold_is_no_tap_and_voids_the_sequence()
    {
        var d = new SetButtonDecoder();
        var actions = Tap(d, Ms(0), Enumerable.Repeat((100, 200), 5).Append((2000, 200)));
        Assert.Empty(actions);
    }

    [Fact]
    public void Holding_set_while_powering_up_is_a_factory_reset_and_its_release_is_no_tap()
    {
        var d = new SetButtonDecoder();
        Assert.Equal([SetButtonAction.FactoryResetAtPowerUp], d.PoweredUp(buttonHeld: true));
        Assert.Empty(d.Tick(Ms(5000)));
        Assert.Empty(d.Released(Ms(5100)));
        Assert.Empty(d.Tick(Ms(9000)));
        Assert.Equal(0, d.PendingTaps);
    }

    [Fact]
    public void Powering_up_without_the_button_does_nothing() =>
        Assert.Empty(new SetButtonDecoder().PoweredUp(buttonHeld: false));

    [Fact]
    public void Timings_that_make_no_sense_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SetButtonDecoder(SetButtonTiming.Default with { Hold = TimeSpan.FromMilliseconds(500) }));
}
