using CsCheck;
using SmartElek.Charger.Metering;

namespace SmartElek.Charger.Tests.Metering;

public class EnergyRegisterTests
{
    private static MeterReading At(double seconds, double watts) =>
        new(TimeSpan.FromSeconds(seconds), 240, watts / 240, watts, 1.0, 60);

    [Fact]
    public void Constant_power_over_a_time_gives_power_times_time() =>
        Gen.Select(Gen.Double[100, 20_000], Gen.Int[2, 600], Gen.Double[0.1, 30]).Sample((watts, samples, stepSeconds) =>
        {
            var register = new EnergyRegister();
            for (var i = 0; i < samples; i++)
                register.Add(At(i * stepSeconds, watts));
            var expectedWh = watts * (samples - 1) * stepSeconds / 3600;
            Assert.True(Math.Abs(register.Wh - expectedWh) <= expectedWh * 0.001, $"{register.Wh} Wh, expected {expectedWh} Wh");
        }, iter: 300);

    [Fact]
    public void The_trapezoid_rule_integrates_a_ramp_exactly()
    {
        var register = new EnergyRegister(1000);
        register.Add(At(0, 0));
        register.Add(At(3600, 7200));
        Assert.Equal(1000 + 3600, register.Wh, 1e-9);
    }

    [Fact]
    public void The_register_never_decreases() =>
        Gen.Select(Gen.Double[-3600, 7200], Gen.Double[-5000, 20_000]).Array[1, 200].Sample(readings =>
        {
            var register = new EnergyRegister(500);
            var before = register.Wh;
            foreach (var (seconds, watts) in readings)
            {
                register.Add(At(seconds, watts));
                Assert.True(register.Wh >= before, $"{register.Wh} Wh after {before} Wh");
                before = register.Wh;
            }
        }, iter: 500);

    [Fact]
    public void Negative_power_counts_as_nothing()
    {
        var register = new EnergyRegister();
        register.Add(At(0, -2000));
        register.Add(At(3600, -2000));
        Assert.Equal(0, register.Wh);
        register.Add(At(7200, 2000));
        Assert.Equal(1000, register.Wh, 1e-9);
    }

    [Fact]
    public void A_reading_from_the_past_is_ignored()
    {
        var register = new EnergyRegister();
        register.Add(At(100, 3600));
        register.Add(At(50, 3600));
        register.Add(At(100, 3600));
        Assert.Equal(0, register.Wh);
        register.Add(At(200, 3600));
        Assert.Equal(100, register.Wh, 1e-9);
    }

    [Fact]
    public void A_reading_without_a_power_value_is_ignored()
    {
        var register = new EnergyRegister();
        register.Add(At(0, 3600));
        register.Add(At(10, double.NaN));
        register.Add(At(20, 3600));
        Assert.Equal(20, register.Wh, 1e-9);
    }

    [Fact]
    public void Reset_zeroes_the_register_and_starts_a_new_interval()
    {
        var register = new EnergyRegister(12_345);
        register.Add(At(0, 1000));
        register.Reset();
        Assert.Equal(0, register.Wh);
        Assert.Null(register.LastReading);
        register.Add(At(3600, 1000));
        Assert.Equal(0, register.Wh);
        register.Add(At(7200, 1000));
        Assert.Equal(1000, register.Wh, 1e-9);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_bad_starting_value_is_refused(double startWh) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnergyRegister(startWh));
}
