using System.Text.Json.Nodes;
using SmartElek.Site.Commissioning;
using SmartElek.Site.Topology;
using static SmartElek.Site.Commissioning.TopologyCommands;
using static SmartElek.Site.Commissioning.TopologyEvents;

namespace SmartElek.Charger.Tests.Site;

/// <summary>The live topology's pure state: each command validated by the file's rules, events folded in, the export.</summary>
public class SiteTopologyStateTests
{
    static readonly DateTimeOffset T0 = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SmartElek.Site.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, relative);
    }

    static SiteTopologyState Default() => SiteTopologyState.From(SiteTopologyState.Seed(File.ReadAllText(RepoFile("config/site.json")), T0));

    static SiteTopologyState Decided(SiteTopologyState state, Command command)
    {
        var decision = state.Decide(command, T0);
        Assert.True(decision.Refusal is null, decision.Refusal?.ToString());
        return decision.Events.Aggregate(state, (s, e) => s.Apply(e));
    }

    static (string Field, string Reason) Refused(SiteTopologyState state, Command command)
    {
        var decision = state.Decide(command, T0);
        Assert.Empty(decision.Events);
        Assert.NotNull(decision.Refusal);
        var (field, reasons) = Assert.Single(decision.Refusal!.Errors);
        return (field, Assert.Single(reasons));
    }

    [Fact]
    public void The_seed_is_version_1_and_exports_back_to_the_same_site()
    {
        var state = Default();
        Assert.Equal(1, state.Version);
        Assert.Equal(6, state.Topology.Chargers.Count);
        var again = SiteTopology.Parse(state.Export());
        Assert.Equal(state.Topology.CircuitsInOrder.Select(c => (c.Id, c.RatingAmps, c.ParentId)), again.CircuitsInOrder.Select(c => (c.Id, c.RatingAmps, c.ParentId)));
        Assert.Equal(state.Topology.Chargers.Select(c => (c.Id, c.CircuitId, c.Lines, c.RatingAmps)), again.Chargers.Select(c => (c.Id, c.CircuitId, c.Lines, c.RatingAmps)));
        // The file's shape: no empty lists, no nulls.
        var json = JsonNode.Parse(state.Export())!;
        Assert.Null(json["feeder"]!["chargers"]);
        Assert.Null(json["feeder"]!["lineLimitAmps"]);
    }

    [Fact]
    public void A_charger_placed_on_a_new_branch_is_in_the_topology_and_the_export_and_each_event_is_a_version()
    {
        var state = Decided(Default(), new PlaceCharger("charger-7", "branch-b4", 30, "L1-L2", 0, new NewBranch("panel-b", 40)));
        Assert.Equal(3, state.Version);
        var placed = state.Topology.ChargerById[new ChargerId("charger-7")];
        Assert.Equal("branch-b4", placed.CircuitId);
        Assert.Equal(["branch-b4", "panel-b", "feeder"], state.Topology.PathToFeeder(placed.Id).Select(c => c.Id));
        Assert.Contains(SiteTopology.Parse(state.Export()).Chargers, c => c.Id.Value == "charger-7" && c.CircuitId == "branch-b4");
    }

    [Fact]
    public void A_charger_on_an_existing_branch_then_removed_leaves_it_as_it_was_and_is_remembered_as_removed()
    {
        var placed = Decided(Default(), new PlaceCharger("charger-7", "branch-a1", 16, null, 0));
        Assert.Equal(2, placed.Topology.Circuits["branch-a1"].ChargerIds.Count);
        var removed = Decided(placed, new RemoveCharger("charger-7"));
        Assert.Single(removed.Topology.Circuits["branch-a1"].ChargerIds);
        Assert.Equal("charger-7", Assert.Single(removed.Removed).Placement.Id.Value);
        // Placed again: no longer counted as removed.
        Assert.Empty(Decided(removed, new PlaceCharger("charger-7", "branch-a1", 16, null, 0)).Removed);
    }

    [Fact]
    public void A_circuit_is_added_and_edited_with_per_line_limits()
    {
        var state = Decided(Default(), new SetCircuit("panel-c", "feeder", 50, null));
        Assert.Equal(40, state.Topology.Circuits["panel-c"].LimitOn(Line.L1));
        state = Decided(state, new SetCircuit("feeder", null, 100, new Dictionary<string, double> { ["L1"] = 60 }));
        Assert.Equal(60, state.Topology.Root.LimitOn(Line.L1));
        Assert.Equal(80, state.Topology.Root.LimitOn(Line.L2));
    }

    // Each refusal names the command's field and says why, with the file's words; nothing changes.
    [Theory]
    [InlineData("ratingAmps", "needs a 40 A branch", "charger-7", "branch-b4", 30, "L1-L2", 0, 30.0)]
    [InlineData("lines", "unknown line L3", "charger-7", "branch-b4", 16, "L2-L3", 0, 40.0)]
    [InlineData("lines", "not two lines", "charger-7", "branch-b4", 16, "L1", 0, 40.0)]
    [InlineData("failSafeAmps", "fail-safe current must be 0 A or between 6 A", "charger-7", "branch-b4", 16, "L1-L2", 3, 40.0)]
    [InlineData("ratingAmps", "rating must be between 6 A and 80 A", "charger-7", "branch-b4", 5, "L1-L2", 0, 40.0)]
    [InlineData("chargerId", "may hold only letters", "charger 7", "branch-b4", 16, "L1-L2", 0, 40.0)]
    [InlineData("chargerId", "hangs on 'branch-a1'", "charger-1", "branch-b4", 16, "L1-L2", 0, 40.0)]
    [InlineData("newBranch.ratingAmps", "must sit on a branch breaker of at most 40 A", "charger-7", "branch-b4", 16, "L1-L2", 0, 50.0)]
    [InlineData("newBranch.ratingAmps", "above its parent 'panel-b'", "charger-7", "branch-b4", 16, "L1-L2", 0, 70.0)]
    public void An_impossible_placement_is_refused_naming_the_field(string field, string reason, string id, string branch, double rating, string lines, double failSafe, double branchRating)
    {
        var state = Default();
        var (f, why) = Refused(state, new PlaceCharger(id, branch, rating, lines, failSafe, new NewBranch("panel-b", branchRating)));
        Assert.Equal(field, f);
        Assert.Contains(reason, why);
        Assert.Equal(1, state.Version);
    }

    [Fact]
    public void Other_refusals_name_their_field()
    {
        var state = Default();
        Assert.Equal("circuitId", Refused(state, new PlaceCharger("charger-7", "nowhere", 16, null, 0)).Field);
        Assert.Equal("circuitId", Refused(state, new PlaceCharger("charger-7", "panel-a", 16, null, 0)).Field); // a panel with branches
        Assert.Equal("chargerId", Refused(state, new RemoveCharger("charger-9")).Field);
        Assert.Equal("parentId", Refused(state, new SetCircuit("panel-c", "nowhere", 50, null)).Field);
        Assert.Equal("parentId", Refused(state, new SetCircuit("branch-a1", "panel-b", 40, null)).Field); // no moving
        Assert.Equal("minutes", Refused(state, new OpenPermitJoin(TimeSpan.FromMinutes(90))).Field);
        // A lowered rating the chargers under it no longer fit, in the file's words.
        var (field, reason) = Refused(state, new SetCircuit("branch-a1", null, 30, null));
        Assert.Equal("ratingAmps", field);
        Assert.Contains("needs a 40 A branch", reason);
        (field, reason) = Refused(state, new SetCircuit("panel-a", null, 120, null));
        Assert.Contains("above its parent 'feeder'", reason);
        (field, _) = Refused(state, new SetCircuit("feeder", null, 100, new Dictionary<string, double> { ["L3"] = 60 }));
        Assert.Equal("lineLimitAmps", field);
    }

    [Fact]
    public void Fail_safe_shares_must_fit_every_circuit_together()
    {
        // panel-a: 60 A, 48 A a line; three chargers at 16 A fail-safe fill it, a fourth does not fit.
        var state = Default();
        foreach (var id in new[] { "charger-1", "charger-2", "charger-3" })
        {
            var at = state.Topology.ChargerById[new ChargerId(id)].CircuitId;
            state = Decided(state, new PlaceCharger(id, at, 30, "L1-L2", 16));
        }
        var (field, reason) = Refused(state, new PlaceCharger("charger-7", "branch-a4", 16, "L1-L2", 6, new NewBranch("panel-a", 40)));
        Assert.Equal("failSafeAmps", field);
        Assert.Contains("fail-safe currents", reason);
    }

    [Fact]
    public void A_removed_chargers_fail_safe_share_stays_counted()
    {
        // branch-a1 carries 32 A a line: charger-1 with 16 A fail-safe, taken out, leaves 16 A for a new one.
        var state = Decided(Default(), new PlaceCharger("charger-1", "branch-a1", 30, "L1-L2", 16));
        state = Decided(state, new RemoveCharger("charger-1"));
        Decided(state, new PlaceCharger("charger-7", "branch-a1", 30, "L1-L2", 16));
        var (field, reason) = Refused(state, new PlaceCharger("charger-7", "branch-a1", 30, "L1-L2", 20));
        Assert.Equal("failSafeAmps", field);
        Assert.Contains("charger-1", reason);
        // Placed again, its share is its own again.
        Assert.Empty(Decided(state, new PlaceCharger("charger-1", "branch-a1", 30, "L1-L2", 6)).Removed);
    }

    [Fact]
    public void Permit_join_opens_for_a_while_and_closes()
    {
        var state = Decided(Default(), new OpenPermitJoin(TimeSpan.FromMinutes(3)));
        Assert.True(state.PermitJoinOpen(T0 + TimeSpan.FromMinutes(2)));
        Assert.False(state.PermitJoinOpen(T0 + TimeSpan.FromMinutes(3)));
        var closed = Decided(state, new ClosePermitJoin());
        Assert.False(closed.PermitJoinOpen(T0));
        Assert.Empty(closed.Decide(new ClosePermitJoin(), T0).Events);
    }

    [Fact]
    public void Replaying_the_events_from_the_seed_gives_the_same_state()
    {
        var seed = SiteTopologyState.Seed(File.ReadAllText(RepoFile("config/site.json")), T0);
        var state = SiteTopologyState.From(seed);
        var journal = new List<IWireMessage> { seed };
        foreach (var command in new Command[]
                 {
                     new PlaceCharger("charger-7", "branch-b4", 16, null, 0, new NewBranch("panel-b", 20)),
                     new SetCircuit("panel-b", null, 50, null), new RemoveCharger("charger-2"), new OpenPermitJoin(TimeSpan.FromMinutes(5)),
                 })
        {
            var events = state.Decide(command, T0).Events;
            journal.AddRange(events);
            state = events.Aggregate(state, (s, e) => s.Apply(e));
        }
        var replayed = journal.Skip(1).Aggregate(SiteTopologyState.From(seed), (s, e) => s.Apply(e));
        Assert.Equal(state.Version, replayed.Version);
        Assert.Equal(state.Export(), replayed.Export());
        Assert.Equal(state.PermitJoinUntil, replayed.PermitJoinUntil);
        Assert.Equal(6, replayed.Version);
    }
}
