using CsCheck;
using SmartElek.Site.Allocation;
using SmartElek.Site.Topology;

namespace SmartElek.Charger.Tests.Site;

/// <summary>The site's rules (departure plan, timers, budgets) act through the allocator as caps: never around it.</summary>
public class RuleCapProperties
{
    static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    static readonly LimitKind[] Kinds = [LimitKind.Plan, LimitKind.Timer, LimitKind.Budget];

    // A random site of the seed and one demand per charger, drawn from the same random numbers in charger order.
    static (SiteLimits Limits, ChargerDemand[] Demands) RandomDemands(int seed, Func<Random, ChargerId, ChargerDemand> demand)
    {
        var random = new Random(seed);
        var site = RandomSites.Build(random);
        return (new SiteLimits(site), [.. site.Chargers.Select(c => demand(random, c.Id))]);
    }

    [Fact]
    public void A_rule_cap_is_never_exceeded_no_limit_is_and_a_charger_it_stops_says_which_rule_in_words()
    {
        Gen.Int.Sample(seed =>
        {
            var (limits, demands) = RandomDemands(seed, (random, id) => new ChargerDemand(id)
            {
                WantsCurrent = random.Next(10) < 8,
                UserMaxAmps = random.Next(5) == 0 ? random.Next(0, 35) : null,
                RuleCap = random.Next(2) == 0 ? new RuleCap(random.Next(4) == 0 ? 0 : random.Next(0, 35), Kinds[random.Next(3)], $"rule {id}") : null,
            });
            var allocation = new Allocator(limits).Allocate(demands, Now);
            Assert.Null(limits.FirstExceeded([.. allocation.Grants.Select(g => g.Amps)]));
            foreach (var (grant, demand) in allocation.Grants.Zip(demands))
            {
                Assert.True(grant.Amps == 0 || grant.Amps >= 6 - 1e-9, $"seed {seed}: {grant}");
                if (demand.RuleCap is not { } rule || !demand.WantsCurrent) continue;
                Assert.True(grant.Amps <= rule.Amps + 1e-9, $"seed {seed}: {grant} above the rule's {rule.Amps} A");
                var tighter = Math.Min(limits.RatingAmps[limits.Index[grant.Id]], demand.UserMaxAmps ?? double.MaxValue);
                if (rule.Amps < 6 && rule.Amps < tighter)
                {
                    Assert.Equal(0, grant.Amps);
                    Assert.Equal(rule.Kind, grant.Reason.Kind);
                    Assert.Contains(rule.Why, grant.Reason.ToString());
                }
            }
        }, iter: 2000, threads: 1);
    }

    [Fact]
    public void Where_the_plans_fit_beside_6_A_for_every_other_running_charger_each_planned_charger_gets_its_plan()
    {
        Gen.Int.Sample(seed =>
        {
            var (limits, demands) = RandomDemands(seed, (random, id) => new ChargerDemand(id)
            {
                WantsCurrent = random.Next(10) < 8,
                RuleCap = random.Next(3) == 0 ? new RuleCap(random.Next(6, 31), LimitKind.Plan, $"plan {id}") : null,
            });
            var allocation = new Allocator(limits).Allocate(demands, Now);
            var grants = allocation.Grants.Select(g => g.Amps).ToArray();
            Assert.Null(limits.FirstExceeded(grants));
            // Planned and running; served up to its plan or its rating, whichever is lower.
            bool Planned(int k) => grants[k] > 0 && demands[k].RuleCap is not null;
            double Plan(int k) => Math.Min(demands[k].RuleCap!.Value.Amps, limits.RatingAmps[k]);
            var fits = limits.Limits.All(l => l.ChargerIndexes.Sum(k => Planned(k) ? Plan(k) : grants[k] > 0 ? 6 : 0) <= l.LimitAmps + 1e-9);
            if (!fits) return;
            for (var k = 0; k < grants.Length; k++)
                if (Planned(k))
                    Assert.True(grants[k] >= Plan(k) - 0.01, $"seed {seed}: {allocation.Grants[k]} under its plan of {Plan(k)} A, which fits");
        }, iter: 2000, threads: 1);
    }

    static SiteLimits OneBranch(int chargers) => new(SmallSites.OneBranch([.. Enumerable.Range(1, chargers).Select(i => $"c{i}")]));

    static double[] Share(SiteLimits limits, double plan) => Share(limits, new RuleCap(plan, LimitKind.Plan, "plan"));

    static double[] Share(SiteLimits limits, RuleCap first) =>
    [
        .. new Allocator(limits).Allocate(limits.ChargerIds.Select((id, k) => new ChargerDemand(id)
        {
            WantsCurrent = true,
            RuleCap = k == 0 ? first : null,
        }), Now).Grants.Select(g => g.Amps),
    ];

    [Fact]
    public void A_plan_above_the_equal_share_is_served_and_the_others_share_what_is_left_down_to_6_A()
    {
        Assert.Equal([26, 6], Share(OneBranch(2), 26));
        Assert.Equal([10, 22], Share(OneBranch(2), 10));
        // 26 A beside 6 A for each of two others does not fit in 32 A: the equal share, as without a plan.
        Assert.Equal([10.66, 10.66, 10.66], Share(OneBranch(3), 26));
        Assert.Equal([20, 6, 6], Share(OneBranch(3), 20));
        // A timer's cap of the plan's amps (shown as the timer's) is served first as the plan would be; a timer alone is not.
        Assert.Equal([20, 6, 6], Share(OneBranch(3), new RuleCap(20, LimitKind.Timer, "capped by a timer", Planned: true)));
        Assert.Equal([10.66, 10.66, 10.66], Share(OneBranch(3), new RuleCap(20, LimitKind.Timer, "capped by a timer")));
    }
}
