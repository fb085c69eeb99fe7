using CsCheck;
using SmartElek.Site.Allocation;
using SmartElek.Site.Topology;

namespace SmartElek.Charger.Tests.Site;

/// <summary>The site's rules (departure plan, timers, budgets) act through the allocator as caps: never around it.</summary>
public class RuleCapProperties
{
    static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    static readonly LimitKind[] Kinds = [LimitKind.Plan, LimitKind.Timer, LimitKind.Budget];

    [Fact]
    public void A_rule_cap_is_never_exceeded_no_limit_is_and_a_charger_it_stops_says_which_rule_in_words()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var site = RandomSites.Build(random);
            var limits = new SiteLimits(site);
            var demands = site.Chargers.Select(c => new ChargerDemand(c.Id)
            {
                WantsCurrent = random.Next(10) < 8,
                UserMaxAmps = random.Next(5) == 0 ? random.Next(0, 35) : null,
                RuleCap = random.Next(2) == 0 ? new RuleCap(random.Next(4) == 0 ? 0 : random.Next(0, 35), Kinds[random.Next(3)], $"rule {c.Id}") : null,
            }).ToArray();
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
}
