using CsCheck;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Relays;

namespace SmartElek.Charger.Tests.Relays;

public class RelayRulesTests
{
    [Theory]
    [InlineData(RelayPosition.Open, 0.0, false)]
    [InlineData(RelayPosition.Open, 12.0, false)]
    [InlineData(RelayPosition.Open, 240.0, true)]
    [InlineData(RelayPosition.Open, -230.0, true)]
    [InlineData(RelayPosition.Closed, 240.0, false)]
    public void A_relay_is_welded_only_when_it_is_commanded_open_and_conducts(RelayPosition commanded, double senseVolts, bool welded) =>
        Assert.Equal(welded, WeldDetection.IsWelded(commanded, senseVolts));

    [Fact]
    public void Invariant_5_relays_must_be_open_unless_pilot_C_no_fault_and_a_positive_offer()
    {
        var gen = Gen.Select(Gen.Enum<PilotState>(), Gen.Bool, Gen.Double[-1, 40], Gen.Bool, Gen.Bool);
        gen.Sample((pilot, fault, offer, authorised, selfTest) =>
        {
            var mustOpen = RelayPolicy.MustBeOpen(pilot, fault, offer);
            Assert.Equal(pilot != PilotState.C || fault || offer <= 0, mustOpen);
            if (RelayPolicy.MayClose(pilot, fault, offer, authorised, selfTest))
                Assert.False(mustOpen);
            if (!authorised || !selfTest)
                Assert.False(RelayPolicy.MayClose(pilot, fault, offer, authorised, selfTest));
        });
    }
}
