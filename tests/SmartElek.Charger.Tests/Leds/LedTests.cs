using CsCheck;
using SmartElek.Charger.Leds;

namespace SmartElek.Charger.Tests.Leds;

public class LedTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    /// <summary>Lit samples every 10 ms over one second, as a string of '#' and '.'.</summary>
    private static string Trace(LedPattern p, int fromMs = 0) =>
        new(Enumerable.Range(0, 100).Select(i => p.IsLitAt(Ms(fromMs + 10 * i)) ? '#' : '.').ToArray());

    private static int LitFlanksPerSecond(LedPattern p)
    {
        var lit = Enumerable.Range(0, 1000).Select(i => p.IsLitAt(Ms(i))).ToArray();
        return Enumerable.Range(0, 1000).Count(i => lit[i] && !lit[(i + 999) % 1000]);
    }

    [Fact]
    public void Status_no_vehicle_is_off()
    {
        var p = StatusLed.For(StatusIndication.NoVehicle);
        Assert.Equal(new string('.', 100), Trace(p));
        Assert.Equal("off", p.Describe());
    }

    [Fact]
    public void Status_plugged_not_charging_is_green_solid()
    {
        var p = StatusLed.For(StatusIndication.PluggedNotCharging);
        Assert.Equal(LedColor.Green, p.Color);
        Assert.Equal(new string('#', 100), Trace(p, 12345));
        Assert.Equal("green solid", p.Describe());
    }

    [Fact]
    public void Status_charging_is_green_flashing()
    {
        var p = StatusLed.For(StatusIndication.Charging);
        Assert.Equal(LedColor.Green, p.Color);
        Assert.Equal(new string('#', 50) + new string('.', 50), Trace(p, 3000));
        Assert.Equal("green flashing 1 Hz", p.Describe());
    }

    [Fact]
    public void Status_fault_is_red_flashing()
    {
        var p = StatusLed.For(StatusIndication.Fault);
        Assert.Equal(LedColor.Red, p.Color);
        Assert.Equal(1, LitFlanksPerSecond(p));
        Assert.Equal("red flashing 1 Hz", p.Describe());
    }

    [Fact]
    public void Status_factory_reset_blinks_fast()
    {
        var p = StatusLed.For(StatusIndication.FactoryReset);
        Assert.True(LitFlanksPerSecond(p) >= 4, p.Describe());
        Assert.True(LitFlanksPerSecond(p) > LitFlanksPerSecond(StatusLed.For(StatusIndication.Charging)));
    }

    [Fact]
    public void Network_searching_flashes_fast()
    {
        var p = NetworkLed.For(NetworkIndication.Searching);
        Assert.Equal(LedColor.Blue, p.Color);
        Assert.Equal(4, LitFlanksPerSecond(p));
        Assert.Equal("blue flashing 4 Hz", p.Describe());
    }

    [Fact]
    public void Network_connected_is_blue_solid()
    {
        var p = NetworkLed.For(NetworkIndication.Connected);
        Assert.Equal(new string('#', 100), Trace(p));
        Assert.Equal("blue solid", p.Describe());
    }

    [Fact]
    public void Network_permit_join_open_flashes_once_per_second()
    {
        var p = NetworkLed.For(NetworkIndication.PermitJoinOpen);
        Assert.Equal(1, LitFlanksPerSecond(p));
        Assert.Equal("blue flashing 1 Hz", p.Describe());
    }

    [Fact]
    public void Network_disconnected_gives_two_blips_per_second()
    {
        var p = NetworkLed.For(NetworkIndication.Disconnected);
        Assert.Equal(new string('#', 10) + new string('.', 10) + new string('#', 10) + new string('.', 70), Trace(p, 7000));
        Assert.Equal(2, LitFlanksPerSecond(p));
        Assert.Equal("blue 2 blips per 1 s", p.Describe());
    }

    [Fact]
    public void Network_goes_dark_for_a_second_on_factory_reset()
    {
        var p = NetworkLed.For(NetworkIndication.ResettingOff);
        Assert.Equal(new string('.', 100), Trace(p));
        Assert.Equal(TimeSpan.FromSeconds(1), NetworkLed.ResettingOffTime);
    }

    [Fact]
    public void A_pattern_repeats_with_its_period() =>
        Gen.Select(Gen.Int[1, 5], Gen.Int[0, 1_000_000], Gen.Int[-5, 5]).Sample((count, ms, k) =>
        {
            var p = LedPattern.Blips(LedColor.Red, count, TimeSpan.FromSeconds(1));
            Assert.Equal(TimeSpan.FromSeconds(1), p.Period);
            Assert.Equal(p.IsLitAt(Ms(ms)), p.IsLitAt(Ms(ms) + p.Period * k));
        }, iter: 500);

    [Fact]
    public void Patterns_with_equal_segments_are_equal()
    {
        Assert.Equal(LedPattern.Flashing(LedColor.Blue, 2), LedPattern.Flashing(LedColor.Blue, 2));
        Assert.NotEqual(LedPattern.Flashing(LedColor.Blue, 2), LedPattern.Flashing(LedColor.Green, 2));
        Assert.Equal(LedPattern.Flashing(LedColor.Blue, 2).GetHashCode(), LedPattern.Flashing(LedColor.Blue, 2).GetHashCode());
    }

    [Fact]
    public void Bad_patterns_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new LedPattern(LedColor.Red, []));
        Assert.Throws<ArgumentException>(() => new LedPattern(LedColor.Red, [new LedSegment(true, TimeSpan.Zero)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => LedPattern.Flashing(LedColor.Red, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LedPattern.Blips(LedColor.Red, 0, TimeSpan.FromSeconds(1)));
    }
}
