using CsCheck;
using SmartElek.Charger.Safety;

namespace SmartElek.Charger.Tests.Safety;

public class DetectorTests
{
    private static (OverCurrentDetector, bool) Feed(OverCurrentDetector d, double seconds, double amps, double offer) =>
        d.Observe(TimeSpan.FromSeconds(seconds), amps, offer);

    [Fact]
    public void Over_current_needs_more_than_offer_x_1_1_plus_half_an_amp_for_more_than_7_s()
    {
        Assert.Equal(11.5, OverCurrentDetector.LimitFor(10), 1e-9);
        var d = OverCurrentDetector.Initial;
        bool fault;
        (d, fault) = Feed(d, 0, 11.4, 10);
        Assert.False(fault);
        for (var s = 1; s <= 8; s++)
        {
            (d, fault) = Feed(d, s, 30, 10);
            Assert.Equal(s - 1 > 7, fault);
        }
        (d, fault) = Feed(d, 9, 30, 10);
        Assert.True(fault);
    }

    [Fact]
    public void A_current_back_under_the_limit_restarts_the_over_current_window()
    {
        var d = OverCurrentDetector.Initial;
        (d, _) = Feed(d, 0, 30, 10);
        (d, _) = Feed(d, 6, 30, 10);
        (d, _) = Feed(d, 6.5, 10, 10);
        var (_, fault) = Feed(d, 13, 30, 10);
        Assert.False(fault);
    }

    [Theory]
    [InlineData(240, 60, null)]
    [InlineData(208, 50, null)]
    [InlineData(265, 60, FaultKind.OverVoltage)]
    [InlineData(180, 60, FaultKind.UnderVoltage)]
    [InlineData(230, 55, FaultKind.FrequencyOutOfRange)]
    [InlineData(230, 61.5, FaultKind.FrequencyOutOfRange)]
    public void Grid_limits(double volts, double hz, FaultKind? expected) =>
        Assert.Equal(expected, GridLimits.Default.Check(volts, hz));

    [Fact]
    public void Thermal_derating_steps_up_half_quarter_stop_and_steps_down_only_below_threshold_minus_hysteresis()
    {
        var t = ThermalDerating.Default;
        Assert.Equal(ThermalLevel.Normal, t.Next(ThermalLevel.Normal, 69));
        Assert.Equal(ThermalLevel.Half, t.Next(ThermalLevel.Normal, 70));
        Assert.Equal(ThermalLevel.Quarter, t.Next(ThermalLevel.Half, 80));
        Assert.Equal(ThermalLevel.Stop, t.Next(ThermalLevel.Normal, 95));
        Assert.Equal(ThermalLevel.Stop, t.Next(ThermalLevel.Stop, 86));
        Assert.Equal(ThermalLevel.Quarter, t.Next(ThermalLevel.Stop, 84));
        Assert.Equal(ThermalLevel.Normal, t.Next(ThermalLevel.Stop, 40));
        Assert.Equal(0.25, ThermalDerating.Factor(ThermalLevel.Quarter));
    }

    [Fact]
    public void Thermal_level_never_derates_less_than_the_temperature_demands()
    {
        var t = ThermalDerating.Default;
        Gen.Select(Gen.Enum<ThermalLevel>(), Gen.Double[-30, 120]).Sample((level, celsius) =>
        {
            var next = t.Next(level, celsius);
            var demanded = t.Next(ThermalLevel.Normal, celsius);
            Assert.True(next >= demanded);
            // Hysteresis: never more than the current level or the demand, whichever is higher.
            Assert.True(next <= (level > demanded ? level : demanded));
        });
    }
}
