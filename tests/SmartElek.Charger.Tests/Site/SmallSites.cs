using SmartElek.Site.Topology;

namespace SmartElek.Charger.Tests.Site;

/// <summary>Sites small enough to work out by hand.</summary>
public static class SmallSites
{
    /// <summary>30 A chargers with these ids on one 40 A branch (32 A a line to share) under a 100 A feeder.</summary>
    public static SiteTopology OneBranch(params string[] chargers) => SiteTopology.FromSpec(new SiteSpec
    {
        Feeder = new CircuitSpec
        {
            Id = "f", RatingAmps = 100,
            Children = [new CircuitSpec { Id = "b1", RatingAmps = 40, Chargers = [.. chargers.Select(id => new ChargerSpec { Id = id })] }],
        },
    });
}
