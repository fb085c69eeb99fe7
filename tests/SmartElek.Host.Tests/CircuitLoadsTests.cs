using SmartElek.Host.Site;
using SmartElek.Site.Topology;

namespace SmartElek.Host.Tests;

[Trait("Speed", "Fast")]
public sealed class CircuitLoadsTests
{
    private static readonly SiteTopology DefaultSite = SiteTopology.Load(Repository.Config("site.json"));

    [Fact]
    public void Each_circuit_sums_the_chargers_below_it_against_its_line_limit()
    {
        var amps = new Dictionary<ChargerId, double>
        {
            [new("charger-1")] = 24, [new("charger-2")] = 24, [new("charger-4")] = 30,
        };
        var loads = CircuitLoads.Of(DefaultSite, amps).ToDictionary(l => l.CircuitId);
        Assert.Equal(78, loads["feeder"].Amps);
        Assert.Equal(80, loads["feeder"].LimitAmps);
        Assert.Equal(48, loads["panel-a"].Amps);
        Assert.False(loads["panel-a"].Over);
        Assert.Equal(30, loads["panel-b"].Amps);
        Assert.Equal(0, loads["branch-a3"].Amps);
        Assert.Equal(32, loads["branch-b1"].LimitAmps);
        Assert.Equal(0, loads["feeder"].Depth);
    }

    [Fact]
    public void A_circuit_over_its_limit_says_so()
    {
        var amps = new Dictionary<ChargerId, double> { [new("charger-1")] = 30, [new("charger-2")] = 30 };
        var panel = CircuitLoads.Of(DefaultSite, amps).Single(l => l.CircuitId == "panel-a");
        Assert.True(panel.Over);
        Assert.Equal(60, panel.Amps);
    }
}
