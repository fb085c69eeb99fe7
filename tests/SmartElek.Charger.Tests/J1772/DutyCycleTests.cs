using CsCheck;
using SmartElek.Charger.J1772;

namespace SmartElek.Charger.Tests.J1772;

public class DutyCycleTests
{
    [Theory]
    [InlineData(6, 10.0)]
    [InlineData(10, 16.667)]
    [InlineData(16, 26.667)]
    [InlineData(30, 50.0)]
    [InlineData(40, 66.667)]
    [InlineData(51, 85.0)]
    [InlineData(52, 85.0)] // the high formula gives 84.8 %, which a vehicle reads as 50.88 A: clamped to 51 A
    [InlineData(52.5, 85.0)]
    [InlineData(80, 96.0)]
    public void Duty_for_an_offer_follows_the_standard(double amps, double expectedDuty) =>
        Assert.Equal(expectedDuty, DutyCycle.FromAmps(amps), 1e-3);

    [Fact]
    public void Zero_amps_is_no_offer_a_steady_high_pilot() =>
        Assert.Equal(100.0, DutyCycle.FromAmps(0));

    [Theory]
    [InlineData(0.1)]
    [InlineData(5.99)]
    [InlineData(80.01)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    public void Currents_that_cannot_be_offered_are_refused(double amps)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DutyCycle.FromAmps(amps));
        Assert.Equal("amps", e.ParamName);
    }

    [Fact]
    public void Nothing_between_0_and_6_amps_can_be_offered() =>
        Gen.Double[1e-9, 5.999999].Sample(a => Assert.Throws<ArgumentOutOfRangeException>(() => DutyCycle.FromAmps(a)), iter: 500);

    [Fact]
    public void Duty_and_amps_round_trip_outside_the_gap() =>
        Gen.OneOf(Gen.Double[6, 51], Gen.Double[52.500001, 80]).Sample(
            // a tolerance, not rounding to 9 places: two values 1e-15 apart can round to different 9th digits
            a => Assert.Equal(a, DutyCycle.ToAmps(DutyCycle.FromAmps(a)), 1e-9), iter: 1000);

    [Fact]
    public void Offers_in_the_gap_read_back_as_51_amps() =>
        Gen.Double[51, 52.5].Sample(a => Assert.Equal(51.0, DutyCycle.ToAmps(DutyCycle.FromAmps(a)), 1e-9), iter: 300);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2.9, 0)]
    [InlineData(5, 0)]
    [InlineData(7.5, 0)]
    [InlineData(9, 6)]
    [InlineData(10, 6)]
    [InlineData(50, 30)]
    [InlineData(85, 51)]
    [InlineData(90, 65)]
    [InlineData(96.5, 80)]
    [InlineData(97.5, 0)]
    [InlineData(100, 0)]
    public void A_vehicle_reads_the_duty_as_the_standard_says(double duty, double expectedAmps) =>
        Assert.Equal(expectedAmps, DutyCycle.ToAmps(duty), 1e-9);

    [Theory]
    [InlineData(2.9, false)]
    [InlineData(3, true)]
    [InlineData(5, true)]
    [InlineData(7, true)]
    [InlineData(7.1, false)]
    [InlineData(50, false)]
    public void Three_to_seven_percent_asks_for_digital_communication(double duty, bool digital) =>
        Assert.Equal(digital, DutyCycle.IsDigitalCommunication(duty));
}
