using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;
using Member = SmartElek.Charger.Tests.Site.GrantLedgerTests.Member;

namespace SmartElek.Charger.Tests.Site;

/// <summary>
/// A decrease that is only settling blocks increases, never a running charger: at a planned
/// site's quarter hour one charger's plan goes to 0 while another's rises and a third vehicle
/// arrives, and nobody should sit out the allocator's two-minute minimum pause for the seconds
/// the first vehicle takes to follow its lower offer.
/// </summary>
public class SettlingDecreaseTests
{
    static readonly DateTimeOffset T0 = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);
    static readonly ChargerId A = new("a"), B = new("b"), C = new("c");

    static RuleCap Plan(double amps) => new(amps, LimitKind.Plan, $"{amps} A this quarter hour");

    [Fact]
    public void A_running_charger_is_not_paused_while_another_charger_s_decrease_settles_and_rises_once_it_has()
    {
        var ledger = new GrantLedger(SmallSites.OneBranch("a", "b", "c"), 1, T0, LeasePolicy.Default);
        var a = new Member(A);
        var b = new Member(B);
        var c = new Member(C) { Wants = false };
        var lowestOfB = double.MaxValue;
        var clock = new EverySecond(ledger, T0, a, b, c) { AfterEachRound = () => lowestOfB = Math.Min(lowestOfB, b.Offer) };
        void Run(TimeSpan span) => clock.Run(span);

        // The plan's quarter hour: a at 26 A, b at 6 A; long enough for both turns to be over.
        ledger.SetRuleCaps(new Dictionary<ChargerId, RuleCap> { [A] = Plan(26), [B] = Plan(6) });
        Run(TimeSpan.FromMinutes(16));
        Assert.Equal((26, 6), (a.Offer, b.Offer));

        // The next quarter hour: a's plan is 0, b's 30; c's vehicle arrives (a waiting vehicle goes before turns that are over).
        ledger.SetRuleCaps(new Dictionary<ChargerId, RuleCap> { [A] = Plan(0), [B] = Plan(30) });
        c.Wants = true;
        lowestOfB = double.MaxValue;
        Run(TimeSpan.FromSeconds(1));
        Assert.Equal(0, a.Offer); // the decrease goes out at once
        var bNow = ledger.Snapshot(clock.Now).Single(v => v.Charger == B);
        Assert.Equal(6, bNow.GrantedAmps); // b keeps running; its increase waits for a's 26 A to settle
        Assert.Equal(LimitKind.WaitingForDecrease, bNow.Reason.Kind);

        Run(TimeSpan.FromSeconds(15));
        Assert.Equal(6, lowestOfB); // never paused
        Assert.Equal((16, 16), (b.Offer, c.Offer));
        Assert.All(ledger.Snapshot(clock.Now).Where(v => v.Charger != A), v => Assert.NotEqual(LimitKind.MinimumPause, v.Reason.Kind));
    }
}
