using Akka.Configuration;
using SmartElek.Actors.Site;

namespace SmartElek.Actors.Tests.Site;

[Trait("Speed", "Fast")]
public sealed class FailOverEstimateTests
{
    [Fact]
    public void The_sites_hocon_fails_over_within_the_default_lease()
    {
        var failOver = SiteCluster.FailOverEstimate(SiteTestSupport.SiteHocon);
        Assert.Equal(TimeSpan.FromSeconds(48), failOver); // stable-after 20 s: 46 s measured
        Assert.True(failOver < SmartElek.Site.Grants.LeasePolicy.Default.LeaseDuration);
    }

    [Theory]
    [InlineData("7s", 22)]  // 21 s measured
    [InlineData("3s", 14)]  // 14 s measured
    public void A_shorter_stable_after_fails_over_sooner(string stableAfter, double seconds)
    {
        var hocon = ConfigurationFactory.ParseString($"akka.cluster.split-brain-resolver.stable-after = {stableAfter}");
        Assert.Equal(TimeSpan.FromSeconds(seconds), SiteCluster.FailOverEstimate(hocon));
    }
}
