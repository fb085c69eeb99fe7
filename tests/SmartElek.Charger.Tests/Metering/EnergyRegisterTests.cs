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

    private static MeterReading Counted(double seconds, double watts, double chipWh) => At(seconds, watts) with { ActiveEnergyWh = chipWh };

    [Fact]
    public void With_the_chips_accumulator_a_late_read_at_a_power_step_counts_what_flowed()
    {
        // 7.2 kW until the vehicle stops 0.1 s after a read; the next read comes 1 s late. The trapezoid
        // would count 1 Wh, the chip counted 0.2 Wh.
        var register = new EnergyRegister();
        register.Add(Counted(0, 7200, 50));
        register.Add(Counted(1, 0, 50.2));
        Assert.Equal(0.2, register.Wh, 1e-9);

        var trapezoid = new EnergyRegister();
        trapezoid.Add(At(0, 7200));
        trapezoid.Add(At(1, 0));
        Assert.Equal(1, trapezoid.Wh, 1e-9);
    }

    [Fact]
    public void A_chip_reset_or_a_read_without_an_accumulator_falls_back_to_the_trapezoid()
    {
        var register = new EnergyRegister();
        register.Add(Counted(0, 3600, 900));
        register.Add(Counted(10, 3600, 0.5));   // the chip restarted: its accumulator went down
        Assert.Equal(10, register.Wh, 1e-9);
        register.Add(Counted(20, 3600, 10.5));  // counting again from its new value
        Assert.Equal(20, register.Wh, 1e-9);
        register.Add(At(30, 3600));              // no accumulator value
        Assert.Equal(30, register.Wh, 1e-9);
    }

    [Fact]
    public void With_an_accumulator_the_register_moves_by_exactly_what_the_chip_counted_and_never_back() =>
        Gen.Select(Gen.Double[0.01, 5], Gen.Double[-1, 3], Gen.Double[0, 20_000]).Array[1, 200].Sample(steps =>
        {
            var register = new EnergyRegister(500);
            var (seconds, chipWh, expectedWh) = (0.0, 1000.0, 500.0);
            register.Add(Counted(seconds, 0, chipWh));
            foreach (var (gap, counted, watts) in steps)
            {
                seconds += gap;
                var before = register.Wh;
                var last = register.LastReading!.Value;
                var moved = (chipWh + counted) - chipWh; // as the register sees it: a difference of two doubles, not `counted`
                chipWh += counted;
                var reading = Counted(seconds, watts, chipWh);
                register.Add(reading);
                // A counter that went down is a reset chip: the trapezoid counts that interval instead.
                expectedWh += moved >= 0 ? moved : (Math.Max(0, last.ActivePowerW) + watts) / 2 * (reading.At - last.At).TotalHours;
                Assert.True(register.Wh >= before, $"{register.Wh} Wh after {before} Wh");
                Assert.Equal(expectedWh, register.Wh, 1e-6);
            }
        }, iter: 300);

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_bad_starting_value_is_refused(double startWh) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnergyRegister(startWh));
}
