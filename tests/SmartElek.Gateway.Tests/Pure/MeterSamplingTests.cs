using CsCheck;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.Tests.Pure;

// Meter sampling and clock alignment without an actor system.
[Trait("Speed", "Fast")]
public class MeterSamplingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static MeterSnapshot Meter(decimal? soc = null) =>
        new(T0, 12_345, 3840.1234m, 16.25m, 16m, 240.5m, 60m, 0.98m, soc);

    [Fact]
    public void A_sample_carries_each_measurand_asked_for_with_its_unit_and_context_in_order()
    {
        var all = ChargePointConfiguration.Default().MeterValuesSampledData;
        var value = MeterSampling.Sample(Meter(soc: 42.5m), ReadingContext.SamplePeriodic, all, T0);
        Assert.Equal(T0, value.Timestamp);
        Assert.Equal(all, value.SampledValue.Select(v => v.Measurand!.Value));
        Assert.All(value.SampledValue, v => Assert.Equal(ReadingContext.SamplePeriodic, v.Context));
        var byMeasurand = value.SampledValue.ToDictionary(v => v.Measurand!.Value);
        Assert.Equal(("12345", UnitOfMeasure.Wh), (byMeasurand[Measurand.EnergyActiveImportRegister].Value, byMeasurand[Measurand.EnergyActiveImportRegister].Unit));
        Assert.Equal(("3840.123", UnitOfMeasure.W), (byMeasurand[Measurand.PowerActiveImport].Value, byMeasurand[Measurand.PowerActiveImport].Unit));
        Assert.Equal("16.25", byMeasurand[Measurand.CurrentImport].Value);
        Assert.Equal("240.5", byMeasurand[Measurand.Voltage].Value);
        Assert.Equal((Location.EV, UnitOfMeasure.Percent, "42.5"), (byMeasurand[Measurand.SoC].Location, byMeasurand[Measurand.SoC].Unit, byMeasurand[Measurand.SoC].Value));
    }

    [Fact]
    public void SoC_without_an_estimate_is_left_out_and_no_measurand_gives_an_empty_reading()
    {
        var value = MeterSampling.Sample(Meter(soc: null), ReadingContext.Trigger, [Measurand.SoC, Measurand.Voltage], T0);
        Assert.Equal([Measurand.Voltage], value.SampledValue.Select(v => v.Measurand!.Value));
        Assert.Empty(MeterSampling.Sample(Meter(), ReadingContext.SampleClock, [], T0).SampledValue);
    }

    [Fact]
    public void Clock_alignment_is_off_at_zero_and_its_first_boundary_lies_on_the_grid_after_now()
    {
        Assert.Null(MeterSampling.FirstAligned(T0, TimeSpan.Zero));
        Gen.Select(Gen.Int[0, 86_400 * 2], Gen.Int[1, 86_400]).Sample((second, interval) =>
        {
            var now = T0.Date.AddSeconds(second);
            var (boundary, wait) = MeterSampling.FirstAligned(new DateTimeOffset(now, TimeSpan.Zero), TimeSpan.FromSeconds(interval))!.Value;
            return wait > TimeSpan.Zero && wait <= TimeSpan.FromSeconds(interval) && boundary - new DateTimeOffset(now, TimeSpan.Zero) == wait;
        });
    }

    [Fact]
    public void The_next_aligned_boundary_counts_from_the_last_one_and_a_late_tick_waits_nothing()
    {
        var boundary = T0.AddMinutes(15);
        var (next, wait) = MeterSampling.NextAligned(boundary, boundary.AddSeconds(2), TimeSpan.FromMinutes(15));
        Assert.Equal((T0.AddMinutes(30), TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(2)), (next, wait));
        var (late, none) = MeterSampling.NextAligned(boundary, boundary.AddMinutes(20), TimeSpan.FromMinutes(15));
        Assert.Equal((T0.AddMinutes(30), TimeSpan.Zero), (late, none));
    }
}
