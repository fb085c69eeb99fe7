using CsCheck;
using SmartElek.Site.Allocation;
using Xunit.Abstractions;

namespace SmartElek.Charger.Tests.Site;

/// <summary>
/// The whole site on virtual time (<see cref="SiteSimulation"/>) with random arrivals and
/// departures, vehicles that taper and wake up, cut network links, lost reports and allocator
/// crashes (state lost). Invariant 1 is checked at every 100 ms instant from the vehicles'
/// actual currents.
/// </summary>
public class SiteSimulationTests(ITestOutputHelper output)
{
    /// <param name="CanCharge">Some charger has 6 A of room under every limit above it (beside the others' fail-safe shares); a random site may have none.</param>
    public sealed record Outcome(int Seed, int Chargers, int Crashes, int Cuts, int FailSafes, double ChargingShare, double AmpHours, bool CanCharge);

    static bool AnyChargerCanCharge(SiteLimits limits) =>
        Enumerable.Range(0, limits.ChargerIds.Count).Any(i => limits.LimitsOf(i).All(c =>
            limits.Limits[c].LimitAmps - limits.Limits[c].ChargerIndexes.Where(j => j != i).Sum(j => limits.FailSafeAmps[j]) >= 6));

    static Outcome Simulate(int seed, TimeSpan duration)
    {
        var random = new Random(seed);
        var site = RandomSites.Build(random, maxChargers: 14, failSafeChance: 0.15);
        var sim = new SiteSimulation(site, random, faults: true);
        long wantingSteps = 0, chargingSteps = 0;
        for (var i = 0; i < sim.Units.Count; i++)
            sim.Connect(i, random.Next(2) == 0, random.Next(6, 33));

        for (var end = sim.Now + duration; sim.Now < end;)
        {
            var over = sim.Advance();
            // Invariant 1, measured from what the vehicles actually draw.
            Assert.True(over is null, over is null ? "" :
                $"seed {seed} at {(sim.Now - SiteSimulation.T0).TotalSeconds:0.0} s: circuit '{over.CircuitId}' {over.Line} carries " +
                $"{over.ChargerIndexes.Sum(k => sim.Units[k].Vehicle.Actual):0.00} A over its limit {over.LimitAmps} A");
            for (var i = 0; i < sim.Units.Count; i++)
            {
                var v = sim.Units[i].Vehicle;
                if (random.NextDouble() < 1.0 / 4000)
                    sim.Connect(i, !v.Connected, random.Next(6, 33));
                if (v.Connected && random.NextDouble() < 1.0 / 2000)
                    sim.Demand(i, random.Next(0, 33)); // the vehicle tapers or wakes up
                if (v.Connected) wantingSteps++;
                if (v.Actual > 0) chargingSteps++;
            }
        }
        var share = wantingSteps == 0 ? 1 : (double)chargingSteps / wantingSteps;
        return new Outcome(seed, sim.Units.Count, sim.Crashes, sim.Cuts, sim.FailSafes, share,
            sim.Units.Sum(u => u.EnergyAmpSeconds) / 3600, AnyChargerCanCharge(sim.Limits));
    }

    [Fact]
    public void No_circuit_or_line_is_ever_over_its_limit_through_arrivals_departures_cuts_and_crashes()
    {
        var outcomes = new List<Outcome>();
        Gen.Int[1, int.MaxValue].Sample(seed =>
        {
            var outcome = Simulate(seed, TimeSpan.FromMinutes(30));
            lock (outcomes) outcomes.Add(outcome);
        }, iter: 12, threads: 1);
        foreach (var o in outcomes) output.WriteLine(o.ToString());
        // The site is not safe by doing nothing: vehicles charged through the faults in most runs
        // that could charge. Not in every one, nor on average above some share: in 30,157 runs 16
        // that could charge never did (a vehicle plugged in only while its link was cut or the
        // allocator down) and the mean share of 12 fell to 0.5 about once in 2,000 draws. Exactly,
        // without faults: StabilityProperties (every charger that wants more tops a full circuit).
        var wanted = outcomes.Where(o => o.CanCharge && o.ChargingShare < 1).ToList();
        Assert.True(wanted.Count(o => o.AmpHours > 0) * 2 >= wanted.Count, string.Join("\n", outcomes));
        Assert.True(outcomes.Sum(o => o.Crashes) > 0 && outcomes.Sum(o => o.Cuts) > 0, "the runs must include crashes and cut links");
    }
}
