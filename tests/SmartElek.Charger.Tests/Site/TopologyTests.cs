using SmartElek.Site.Topology;

namespace SmartElek.Charger.Tests.Site;

public class TopologyTests
{
    static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SmartElek.Site.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, relative);
    }

    static TopologyException Refused(string json) => Assert.Throws<TopologyException>(() => SiteTopology.Parse(json));

    const string Header = """{ "phases": "split-phase", "feeder": """;

    [Fact]
    public void The_default_site_loads_with_six_chargers_under_a_100_A_feeder()
    {
        var site = SiteTopology.Load(RepoFile("config/site.json"));
        Assert.Equal(6, site.Chargers.Count);
        Assert.Equal(100, site.Root.RatingAmps);
        Assert.Equal(80, site.Root.LimitOn(Line.L1));
        Assert.Equal(SitePhases.SplitPhase, site.Phases);
        Assert.Equal(["branch-a1", "panel-a", "feeder"], site.PathToFeeder(new ChargerId("charger-1")).Select(c => c.Id));
    }

    [Fact]
    public void The_three_phase_example_loads_with_configured_and_default_line_limits()
    {
        var site = SiteTopology.Load(RepoFile("config/site.3phase.example.json"));
        Assert.Equal(SitePhases.ThreePhase, site.Phases);
        Assert.Equal(70, site.Root.LimitOn(Line.L3));
        Assert.Equal(80, site.Root.LimitOn(Line.L1));
        Assert.Equal(new LinePair(Line.L3, Line.L1), site.ChargerById[new ChargerId("charger-n3")].Lines);
        Assert.Equal(6, site.ChargerById[new ChargerId("charger-s1")].FailSafeAmps);
    }

    [Fact]
    public void A_30_A_charger_on_a_40_A_branch_is_accepted_and_on_a_30_A_branch_refused()
    {
        SiteTopology.Parse(Header + """{ "id": "f", "ratingAmps": 100, "children": [ { "id": "b", "ratingAmps": 40, "chargers": [ { "id": "c1", "ratingAmps": 30 } ] } ] } }""");
        var e = Refused(Header + """{ "id": "f", "ratingAmps": 100, "children": [ { "id": "b", "ratingAmps": 30, "chargers": [ { "id": "c1", "ratingAmps": 30 } ] } ] } }""");
        Assert.Equal("$.feeder.children[0].chargers[0].ratingAmps", e.JsonPath);
        Assert.Contains("'c1'", e.Message);
        Assert.Contains("needs a 40 A branch", e.Message);
    }

    [Fact]
    public void A_40_A_charger_on_a_20_A_branch_is_refused()
    {
        var e = Refused(Header + """{ "id": "f", "ratingAmps": 100, "children": [ { "id": "b", "ratingAmps": 20, "chargers": [ { "id": "c1", "ratingAmps": 40, "maxBreakerAmps": 50 } ] } ] } }""");
        Assert.Equal("$.feeder.children[0].chargers[0].ratingAmps", e.JsonPath);
        Assert.Contains("needs a 50 A branch", e.Message);
    }

    [Fact]
    public void A_charger_on_two_circuits_is_refused_naming_both()
    {
        var e = Refused(Header + """
            { "id": "f", "ratingAmps": 100, "children": [
              { "id": "b1", "ratingAmps": 40, "chargers": [ { "id": "c1" } ] },
              { "id": "b2", "ratingAmps": 40, "chargers": [ { "id": "c1" } ] } ] } }
            """);
        Assert.Equal("$.feeder.children[1].chargers[0].id", e.JsonPath);
        Assert.Contains("hangs on two circuits: 'b1'", e.Message);
        Assert.Contains("'b2'", e.Message);
    }

    [Fact]
    public void A_child_rated_above_its_parent_is_refused()
    {
        var e = Refused(Header + """{ "id": "f", "ratingAmps": 100, "children": [ { "id": "p", "ratingAmps": 60, "children": [ { "id": "b", "ratingAmps": 70, "chargers": [ { "id": "c1", "maxBreakerAmps": 80 } ] } ] } ] } }""");
        Assert.Equal("$.feeder.children[0].children[0].ratingAmps", e.JsonPath);
        Assert.Contains("above its parent 'p'", e.Message);
    }

    [Theory]
    [InlineData("L1-L4", "unknown line \"L4\"")]
    [InlineData("L2-L3", "unknown line L3 in a split-phase site")]
    [InlineData("L1-L1", "same line twice")]
    [InlineData("L1", "not two lines")]
    public void An_unknown_or_impossible_line_pair_is_refused(string lines, string expected)
    {
        var e = Refused(Header + $$"""{ "id": "f", "ratingAmps": 100, "children": [ { "id": "b", "ratingAmps": 40, "chargers": [ { "id": "c1", "lines": "{{lines}}" } ] } ] } }""");
        Assert.Equal("$.feeder.children[0].chargers[0].lines", e.JsonPath);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_line_limit_on_an_unknown_line_is_refused()
    {
        var e = Refused(Header + """{ "id": "f", "ratingAmps": 100, "lineLimitAmps": { "L3": 50 }, "children": [ { "id": "b", "ratingAmps": 40, "chargers": [ { "id": "c1" } ] } ] } }""");
        Assert.Equal("$.feeder.lineLimitAmps.L3", e.JsonPath);
    }

    [Fact]
    public void Duplicate_circuit_ids_are_refused_naming_the_first()
    {
        var e = Refused(Header + """{ "id": "f", "ratingAmps": 100, "children": [ { "id": "b", "ratingAmps": 40, "chargers": [ { "id": "c1" } ] }, { "id": "b", "ratingAmps": 40 } ] } }""");
        Assert.Equal("$.feeder.children[1].id", e.JsonPath);
        Assert.Contains("$.feeder.children[0]", e.Message);
    }

    [Fact]
    public void A_charger_listed_twice_on_one_branch_is_refused()
    {
        var e = Refused(Header + """{ "id": "f", "ratingAmps": 100, "children": [ { "id": "b", "ratingAmps": 40, "chargers": [ { "id": "c1" }, { "id": "c1" } ] } ] } }""");
        Assert.Equal("$.feeder.children[0].chargers[1].id", e.JsonPath);
        Assert.Contains("listed twice", e.Message);
    }

    [Theory]
    [InlineData("""{ "phases": "split-phase" }""", "$.feeder")]
    [InlineData("""{ "feeder": { "id": "f", "ratingAmps": 100 } }""", "$.feeder")]
    [InlineData("""{ "feeder": { "id": "f", "ratingAmps": 100, "children": [ { "id": "p", "ratingAmps": 50, "children": [] } ] } }""", "$.feeder")]
    public void An_empty_tree_is_refused(string json, string path)
    {
        var e = Refused(json);
        Assert.Equal(path, e.JsonPath);
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void A_misspelt_property_is_refused_with_its_path()
    {
        var e = Refused(Header + """{ "id": "f", "ratingAmp": 100 } }""");
        Assert.Contains("ratingAmp", e.Message);
    }

    [Fact]
    public void Fail_safe_shares_that_together_overload_a_circuit_are_refused()
    {
        var e = Refused(Header + """
            { "id": "f", "ratingAmps": 15, "lineLimitAmps": { "L1": 10 }, "children": [
              { "id": "b1", "ratingAmps": 15, "chargers": [ { "id": "c1", "ratingAmps": 12, "failSafeAmps": 6 } ] },
              { "id": "b2", "ratingAmps": 15, "chargers": [ { "id": "c2", "ratingAmps": 12, "failSafeAmps": 6 } ] } ] } }
            """);
        Assert.Equal("$.feeder", e.JsonPath);
        Assert.Contains("fail-safe", e.Message);
        Assert.Contains("on L1", e.Message);
    }

    [Fact]
    public void Chargers_hang_on_leaves_only()
    {
        var e = Refused(Header + """{ "id": "f", "ratingAmps": 100, "chargers": [ { "id": "c0" } ], "children": [ { "id": "b", "ratingAmps": 40, "chargers": [ { "id": "c1" } ] } ] } }""");
        Assert.Equal("$.feeder", e.JsonPath);
    }

    [Fact]
    public void Broken_json_names_where_it_broke()
    {
        var e = Refused("""{ "feeder": { "id": "f", "ratingAmps": "lots" } }""");
        Assert.Equal("$.feeder.ratingAmps", e.JsonPath);
    }
}
