using CsCheck;
using SmartElek.Charger.J1772;

namespace SmartElek.Charger.Tests.J1772;

public class PilotOfferTests
{
    [Fact]
    public void An_offer_never_exceeds_the_grant_and_is_close_to_it() =>
        Gen.Double[6, 80].Sample(granted =>
        {
            var offer = PilotOffer.RoundDown(granted);
            Assert.True(offer <= granted, $"offer {offer} above grant {granted}");
            Assert.True(offer >= DutyCycle.MinOfferAmps, $"offer {offer} under 6 A");
            // One duty step is 0.06 A (low range) or 0.25 A (high range); the 51–52.75 A gap reads as 51 A.
            var slack = granted is > 51 and < 52.75 ? granted - 51 + 1e-9 : 0.25 + 1e-9;
            Assert.True(granted - offer <= slack, $"offer {offer} too far under grant {granted}");
        }, iter: 2000);

    [Fact]
    public void The_offer_is_what_a_vehicle_reads_from_its_duty_step() =>
        Gen.Double[6, 80].Sample(granted =>
        {
            var offer = PilotOffer.RoundDown(granted);
            var duty = PilotOffer.DutyFor(offer);
            Assert.Equal(Math.Round(duty * 10), duty * 10, 1e-6);
            var read = DutyCycle.ToAmps(duty);
            Assert.Equal(offer, read, 1e-6);
            Assert.True(read <= granted + 1e-9, $"vehicle reads {read} A from {duty} % for grant {granted}");
        }, iter: 2000);

    [Fact]
    public void Grants_under_6_amps_offer_nothing() =>
        Gen.Double[-100, 5.999999].Sample(g => Assert.Equal(0.0, PilotOffer.RoundDown(g)), iter: 500);

    [Theory]
    [InlineData(6, 6)]
    [InlineData(10, 9.96)] // 16.67 % rounds down to 16.6 %
    [InlineData(16, 15.96)]
    [InlineData(30, 30)]
    [InlineData(52, 51)]
    [InlineData(52.6, 51)]
    [InlineData(52.8, 52.75)]
    [InlineData(80, 80)]
    [InlineData(200, 80)]
    public void Known_grants_round_down_to_a_duty_step(double granted, double expectedOffer) =>
        Assert.Equal(expectedOffer, PilotOffer.RoundDown(granted), 1e-9);

    [Theory]
    [InlineData(40, 30, 30)]
    [InlineData(20, 30, 19.98)]
    [InlineData(5, 30, 0)]
    [InlineData(40, 5, 0)]
    public void Clamp_takes_the_lower_of_grant_and_maximum(double granted, double max, double expected) =>
        Assert.Equal(expected, PilotOffer.Clamp(granted, max), 1e-9);

    [Fact]
    public void A_grant_that_is_not_a_number_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PilotOffer.RoundDown(double.NaN));
}
