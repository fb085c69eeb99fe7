using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;
using Member = SmartElek.Charger.Tests.Site.GrantLedgerTests.Member;

namespace SmartElek.Charger.Tests.Site;

/// <summary>
/// The minimum pause is for a vehicle the allocator paused, not for the next one: at a busy site a
/// paused vehicle may leave and another plug in within one allocation round, which the ledger sees
/// only in the charger's reports.
/// </summary>
public class MinimumPauseTests
{
    static readonly DateTimeOffset T0 = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);
    static readonly ChargerId A = new("a"), B = new("b");

    [Fact]
    public void A_vehicle_that_takes_a_paused_vehicle_s_place_within_one_round_does_not_sit_out_its_pause()
    {
        var ledger = new GrantLedger(SmallSites.OneBranch("a", "b"), 1, T0, LeasePolicy.Default);
        var a = new Member(A);
        var b = new Member(B);
        var clock = new EverySecond(ledger, T0, a, b);
        void Run(TimeSpan span) => clock.Run(span);
        LimitKind KindOfB() => ledger.Snapshot(clock.Now).Single(v => v.Charger == B).Reason.Kind;

        Run(TimeSpan.FromSeconds(30));
        Assert.Equal((16, 16), (a.Offer, b.Offer));

        // A rule pauses b for a while and is taken away: b sits out the minimum pause.
        ledger.SetRuleCaps(new Dictionary<ChargerId, RuleCap> { [B] = new(0, LimitKind.Budget, "the driver's daily budget is spent") });
        Run(TimeSpan.FromSeconds(20));
        Assert.Equal(0, b.Offer);
        ledger.SetRuleCaps(new Dictionary<ChargerId, RuleCap>());
        Run(TimeSpan.FromSeconds(5));
        Assert.Equal((0, LimitKind.MinimumPause), (b.Offer, KindOfB()));

        // b's vehicle leaves and the next one plugs in before the next round: the ledger hears it in two reports.
        b.Wants = false;
        clock.ReportOnly(b, TimeSpan.FromMilliseconds(300));
        b.Wants = true;
        clock.ReportOnly(b, TimeSpan.FromMilliseconds(300));
        Run(TimeSpan.FromSeconds(1));
        Assert.NotEqual(LimitKind.MinimumPause, KindOfB());
        Run(TimeSpan.FromSeconds(15));
        Assert.Equal((16, 16), (a.Offer, b.Offer));
    }
}
