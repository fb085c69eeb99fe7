using SmartElek.Site.Grants;
using static SmartElek.Site.SiteProtocol;

namespace SmartElek.Charger.Tests.Site;

public class ReportTimingTests
{
    const double Tolerance = 0.2;
    const double Margin = 1;

    static bool AtOnce(SiteChargerStatus? before, SiteChargerStatus now) => ReportTiming.ReportsAtOnce(before, now, Tolerance, Margin);

    [Fact]
    public void Only_changes_that_let_the_allocator_act_are_reported_at_once()
    {
        var asking = new SiteChargerStatus(true, "C", new LineCurrents(16, 16), 16, 5, 7);
        Assert.True(AtOnce(null, asking));
        Assert.True(AtOnce(asking, asking with { WantsCurrent = false }));
        Assert.True(AtOnce(asking, asking with { AppliedGrantSeq = 8, OfferedAmps = 10 }));
        Assert.False(AtOnce(asking, asking with { AppliedGrantSeq = 8 })); // a renewal at the same amps
        // A decrease applied (10 A offered, 16 A still flowing), then the vehicle follows.
        var following = asking with { OfferedAmps = 10, AppliedGrantSeq = 8 };
        Assert.True(AtOnce(following, following with { DrawnAmps = new LineCurrents(10.1, 10.1) }));
        Assert.False(AtOnce(following, following with { DrawnAmps = new LineCurrents(12, 12) }));
        Assert.False(AtOnce(asking, asking with { DrawnAmps = new LineCurrents(15.8, 15.9), SessionEnergyWh = 120 }));
        // A new user maximum or OCPP limit changes the demand: the allocator acts on it in its next round.
        Assert.True(AtOnce(asking, asking with { UserMaxAmps = 10 }));
        Assert.True(AtOnce(asking, asking with { OcppLimitAmps = 12 }));
    }

    [Fact]
    public void A_vehicle_that_comes_within_the_margin_of_its_offer_from_further_under_it_is_reported_at_once()
    {
        var capped = new SiteChargerStatus(true, "C", new LineCurrents(6.4, 6.4), 8.4, 5, 7);
        Assert.True(AtOnce(capped, capped with { DrawnAmps = new LineCurrents(7.4, 7.4) }));
        Assert.True(AtOnce(capped, capped with { DrawnAmps = new LineCurrents(8.4, 8.3) }));
        Assert.False(AtOnce(capped, capped with { DrawnAmps = new LineCurrents(7.3, 7.3) })); // still under the margin
        var atItsOffer = capped with { DrawnAmps = new LineCurrents(8.3, 8.3) };
        Assert.False(AtOnce(atItsOffer, atItsOffer with { DrawnAmps = new LineCurrents(8.2, 8.2) })); // it already took it all
        var paused = capped with { OfferedAmps = 0, DrawnAmps = new LineCurrents(0, 0) };
        Assert.False(AtOnce(paused, paused)); // nothing offered: nothing to take
    }
}
