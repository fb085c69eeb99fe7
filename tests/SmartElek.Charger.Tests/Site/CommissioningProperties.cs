using CsCheck;
using SmartElek.Site.Commissioning;
using SmartElek.Site.Topology;
using Xunit.Abstractions;
using static SmartElek.Site.Commissioning.TopologyCommands;

namespace SmartElek.Charger.Tests.Site;

/// <summary>
/// Invariant 1 through commissioning: the whole site on virtual time (<see cref="SiteSimulation"/>,
/// with allocator crashes that lose its state) while an operator places chargers (on existing and
/// new branches), removes them and re-rates circuits, each change validated by
/// <see cref="SiteTopologyState.Decide"/> and taken by the running allocator without a restart.
/// At every 100 ms instant no circuit-line carries more than its limit, counted from what the
/// vehicles actually draw, removed chargers' units included (they stay powered where they hang and
/// draw until their node hears of the removal and offers 0 A). A lowered limit
/// counts once the allocator could have brought the grants under it: the vehicle's 5 s window and
/// a second after a running allocator took it, or a report interval more for one that restarted.
/// </summary>
public class CommissioningProperties(ITestOutputHelper output)
{
    public sealed record Outcome(int Seed, int Placed, int Removed, int Lowered, int Raised, int Refused, int Crashes, bool PlacedChargerCharged);

    static Outcome Run(int seed, TimeSpan duration)
    {
        var random = new Random(seed);
        var spec = RandomSites.BuildSpec(random, maxChargers: 10, failSafeChance: 0.15);
        var state = SiteTopologyState.From(new TopologyEvents.Seeded(SpecEdits.ToJson(spec), SiteSimulation.T0));
        var sim = new SiteSimulation(state.Topology, random, faults: false, crashes: true);
        for (var i = 0; i < sim.Units.Count; i++) sim.Connect(i, random.Next(2) == 0, random.Next(6, 33));
        int placed = 0, removed = 0, lowered = 0, raised = 0, refused = 0, next = 0;
        var firstPlaced = int.MaxValue;
        var placedCharged = false;
        var changes = new List<string>();

        for (var end = sim.Now + duration; sim.Now < end;)
        {
            var over = sim.Advance();
            Assert.True(over is null, over is null ? "" :
                $"seed {seed} at {(sim.Now - SiteSimulation.T0).TotalSeconds:0.0} s: circuit '{over.CircuitId}' {over.Line} carries " +
                $"{over.ChargerIndexes.Sum(k => sim.Units[k].Vehicle.Actual):0.00} A over its limit {over.LimitAmps} A " +
                $"({string.Join(", ", over.ChargerIndexes.Select(k => $"{sim.Units[k].Placement.Id}{(sim.Units[k].Removed ? " (removed)" : "")} {sim.Units[k].Vehicle.Actual:0.00} A"))}); " +
                $"crashes {sim.Crashes}; changes:\n{string.Join("\n", changes.TakeLast(6))}");
            for (var i = 0; i < sim.Units.Count; i++)
            {
                var v = sim.Units[i].Vehicle;
                if (random.NextDouble() < 1.0 / 4000) sim.Connect(i, !v.Connected, random.Next(6, 33));
                if (v.Connected && random.NextDouble() < 1.0 / 2000) sim.Demand(i, random.Next(0, 33));
                placedCharged |= i >= firstPlaced && !sim.Units[i].Removed && v.Actual > 0;
            }
            if (random.NextDouble() >= 1.0 / 250) continue;

            var command = RandomCommand(state, random, ref next);
            var decision = state.Decide(command, sim.Now);
            if (decision.Refusal is not null)
            {
                refused++;
                continue;
            }
            var before = state;
            changes.Add($"{(sim.Now - SiteSimulation.T0).TotalSeconds:0.0} s: {command}");
            foreach (var e in decision.Events) state = state.Apply(e);
            var unitsBefore = sim.Units.Count;
            sim.ChangeTopology(state);
            for (var i = unitsBefore; i < sim.Units.Count; i++)
            {
                firstPlaced = Math.Min(firstPlaced, i);
                sim.Connect(i, random.Next(3) > 0, random.Next(6, 41));
            }
            switch (command)
            {
                case PlaceCharger: placed++; break;
                case RemoveCharger: removed++; break;
                case SetCircuit c when before.Topology.Circuits[c.CircuitId!].RatingAmps > c.RatingAmps: lowered++; break;
                case SetCircuit: raised++; break;
            }
        }
        return new Outcome(seed, placed, removed, lowered, raised, refused, sim.Crashes, placedCharged);
    }

    static Command RandomCommand(SiteTopologyState state, Random random, ref int next)
    {
        var site = state.Topology;
        var circuits = site.CircuitsInOrder;
        var branches = circuits.Where(c => c.ChildIds.Count == 0 && c.Depth > 0).ToList();
        var panels = circuits.Where(c => c.ChargerIds.Count == 0 && (c.ChildIds.Count > 0 || c.Depth == 0)).ToList();
        string Lines() => site.Phases == SitePhases.ThreePhase ? new[] { "L1-L2", "L2-L3", "L3-L1" }[random.Next(3)] : "L1-L2";
        double FailSafe() => random.Next(5) == 0 ? 6 : 0;
        switch (random.Next(10))
        {
            case < 3 when branches.Count > 0:
                return new PlaceCharger($"new{next++}", branches[random.Next(branches.Count)].Id, random.Next(6, 33), Lines(), FailSafe());
            case 3 when panels.Count > 0:
                return new PlaceCharger($"new{next}", $"new-branch{next++}", random.Next(6, 33), Lines(), FailSafe(),
                    new NewBranch(panels[random.Next(panels.Count)].Id, new[] { 15.0, 20, 30, 40 }[random.Next(4)]));
            case < 6 when site.Chargers.Count > 1:
                return new RemoveCharger(site.Chargers[random.Next(site.Chargers.Count)].Id.Value);
            default:
                var circuit = circuits[random.Next(circuits.Count)];
                var rating = Math.Max(10, Math.Round(circuit.RatingAmps * (0.5 + 0.8 * random.NextDouble())));
                return new SetCircuit(circuit.Id, null, rating, null);
        }
    }

    [Fact]
    public void Placing_removing_and_rerating_mid_run_never_puts_a_circuit_over_its_limit()
    {
        var outcomes = new List<Outcome>();
        Gen.Int[1, int.MaxValue].Sample(seed =>
        {
            var outcome = Run(seed, TimeSpan.FromMinutes(10));
            lock (outcomes) outcomes.Add(outcome);
        }, iter: 12, threads: 1);
        foreach (var o in outcomes) output.WriteLine(o.ToString());
        // The runs must have exercised what they claim to: every kind of change, and a placed
        // charger that was granted and charged.
        Assert.True(outcomes.Sum(o => o.Placed) > 0 && outcomes.Sum(o => o.Removed) > 0 && outcomes.Sum(o => o.Lowered) > 0 && outcomes.Sum(o => o.Raised) > 0,
            string.Join("\n", outcomes));
        Assert.Contains(outcomes, o => o.PlacedChargerCharged);
    }
}
