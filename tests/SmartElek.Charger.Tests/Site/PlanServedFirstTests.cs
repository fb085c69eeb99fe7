using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;
using Member = SmartElek.Charger.Tests.Site.GrantLedgerTests.Member;

namespace SmartElek.Charger.Tests.Site;

/// <summary>A departure plan's amps are served first through the ledger, and the offers they give settle.</summary>
public class PlanServedFirstTests
{
    static readonly DateTimeOffset T0 = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);
    static readonly ChargerId A = new("a"), B = new("b");

    [Theory]
    [InlineData(26, 30, 26)] // a vehicle that takes what it is offered: the plan's 26 A, b the rest (6 A)
    [InlineData(24, 20, 22)] // one that takes 20 A of a 24 A plan: its draw and the headroom, b the rest, and no back and forth
    [InlineData(30, 30, 16)] // 30 A does not fit beside 6 A for b: the equal share, as without a plan
    public void A_planned_charger_gets_its_plan_before_an_equal_share_and_the_offers_settle(double plan, double vehicleAmps, double settledA)
    {
        var ledger = new GrantLedger(SmallSites.OneBranch("a", "b"), 1, T0, LeasePolicy.Default);
        var a = new Member(A);
        var b = new Member(B);
        var now = T0;
        ledger.SetRuleCaps(new Dictionary<ChargerId, RuleCap> { [A] = new(plan, LimitKind.Plan, "plan") });
        var offersOfA = new List<double>();
        var offersOfB = new List<double>();
        // Both report each second and a round runs; a's vehicle takes at most vehicleAmps, b's what it is offered.
        for (var second = 0; second < 600; second++)
        {
            now += TimeSpan.FromSeconds(1);
            a.Drawn = Math.Min(a.Offer, vehicleAmps);
            b.Drawn = b.Offer;
            a.Take(ledger.OnReport(a.Report(now), now), now);
            b.Take(ledger.OnReport(b.Report(now), now), now);
            var round = ledger.Reallocate(now);
            a.Take(round, now);
            b.Take(round, now);
            offersOfA.Add(a.Offer);
            offersOfB.Add(b.Offer);
        }
        // The last five minutes: one offer each, the plan's (or what its vehicle takes and the headroom) and the rest.
        Assert.Equal([settledA], offersOfA.Skip(300).Distinct());
        Assert.Equal([32 - settledA], offersOfB.Skip(300).Distinct());
    }
}
