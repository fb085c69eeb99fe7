using SmartElek.Charger.Tests.Site;
using SmartElek.Planning;
using SmartElek.Site.Allocation;
using SmartElek.Site.Topology;

namespace SmartElek.Charger.Tests.Planning;

/// <summary>
/// Random planning questions: a random site, arrivals (which chargers have targets, which only a
/// reserve), departures, timers as caps, and price curves per driver group. In a <em>feasible</em>
/// case each target is the energy of a witness: a schedule drawn at random that keeps every circuit
/// line (reserves included), every cap and the 0-or-at-least-6 A rule; so a plan that meets them all exists.
/// </summary>
public static class RandomPlans
{
    public sealed record Case(PlanRequest Request, double[][] Witness, bool Feasible, int Seed)
    {
        public override string ToString() =>
            $"seed {Seed}: {Request.Site.ChargerIds.Count} chargers ({Request.Chargers.Count} with targets), {Request.Slots} slots, " +
            $"{Request.Site.Topology.Phases}, {Request.Rule}, feasible={Feasible}, exact up to {Request.ExactUpTo} charger-slots";
    }

    public static Case Build(int seed, bool feasible, int maxChargers = 10, int maxSlots = 16, double minimumAmps = 6)
    {
        var random = new Random(seed);
        var site = new SiteLimits(RandomSites.Build(random, maxChargers));
        var slots = random.Next(4, maxSlots + 1);
        var curves = Enumerable.Range(0, random.Next(1, 4)).Select(_ => PriceCurve(random, slots)).ToArray();
        var chargers = new List<(ChargerId Id, int Departure, double[] Cap, double[] Price)>();
        var reserved = new Dictionary<ChargerId, double>();
        for (var k = 0; k < site.ChargerIds.Count; k++)
        {
            var id = site.ChargerIds[k];
            var roll = random.Next(10);
            if (roll < 7)
            {
                var cap = new double[slots];
                for (var t = 0; t < slots; t++)
                {
                    // Timers: mostly the rating; sometimes blocked, sometimes capped (possibly under 6 A: then nothing).
                    var timer = random.Next(10);
                    cap[t] = timer == 0 ? 0 : timer == 1 ? random.Next(4, 20) : site.RatingAmps[k];
                }
                chargers.Add((id, random.Next(1, slots + 1), cap, curves[random.Next(curves.Length)]));
            }
            else if (roll < 9)
            {
                reserved[id] = random.Next(2) == 0 ? minimumAmps : 0;
            }
        }
        // Drop reserves that the circuits cannot hold (the site's rule: the reserves must fit).
        foreach (var limit in site.Limits)
        {
            while (limit.ChargerIndexes.Sum(k => reserved.GetValueOrDefault(site.ChargerIds[k])) > limit.LimitAmps)
            {
                var drop = limit.ChargerIndexes.Select(k => site.ChargerIds[k]).First(id => reserved.GetValueOrDefault(id) > 0);
                reserved[drop] = 0;
            }
        }
        var witness = Witness(random, site, chargers.Select(c => (c.Id, c.Departure, c.Cap)).ToList(), reserved, slots, minimumAmps);
        var request0 = new PlanRequest(site, slots, [], 240, random.Next(2) == 0 ? ShortfallRule.EarliestDepartureFirst : ShortfallRule.Proportional);
        var e = request0.KWhPerAmpSlot;
        var targets = new List<PlanCharger>();
        for (var c = 0; c < chargers.Count; c++)
        {
            var energy = witness[c].Sum() * e;
            if (feasible) energy *= random.Next(3) == 0 ? 1 : random.NextDouble();
            else energy = random.Next(3) switch
            {
                0 => energy + 5 + random.NextDouble() * 40, // more than this schedule gives
                1 => energy * 2 + 1,
                _ => energy,
            };
            targets.Add(new PlanCharger(chargers[c].Id, energy, chargers[c].Departure, chargers[c].Cap, chargers[c].Price));
        }
        var request = request0 with { Chargers = targets, ReservedAmps = reserved, MinimumAmps = minimumAmps };
        return new Case(request, witness, feasible, seed);
    }

    static double[] PriceCurve(Random random, int slots)
    {
        // Flat, time-of-use steps, or a day-ahead-like random walk (negative prices included).
        var kind = random.Next(3);
        var price = Math.Round(0.1 + random.NextDouble() * 0.3, 4);
        var curve = new double[slots];
        for (var t = 0; t < slots; t++)
        {
            curve[t] = kind switch
            {
                0 => price,
                1 => (t / 4) % 2 == 0 ? price : price * 1.8,
                _ => Math.Round(price += (random.NextDouble() - 0.5) * 0.1, 4),
            };
        }
        return curve;
    }

    /// <summary>A random schedule that keeps every rule: chargers in random order take a random current that fits.</summary>
    static double[][] Witness(Random random, SiteLimits site, List<(ChargerId Id, int Departure, double[] Cap)> chargers,
        Dictionary<ChargerId, double> reserved, int slots, double minimumAmps)
    {
        var amps = chargers.Select(_ => new double[slots]).ToArray();
        for (var t = 0; t < slots; t++)
        {
            var room = site.Limits.Select(l => l.LimitAmps - l.ChargerIndexes.Sum(k => reserved.GetValueOrDefault(site.ChargerIds[k]))).ToArray();
            foreach (var c in Enumerable.Range(0, chargers.Count).OrderBy(_ => random.Next()))
            {
                var (id, departure, cap) = chargers[c];
                if (t >= departure || random.Next(4) == 0) continue;
                var limits = site.LimitsOf(site.Index[id]);
                var most = Math.Min(Math.Min(cap[t], site.RatingAmps[site.Index[id]]), limits.Min(l => room[l]));
                if (most < minimumAmps || most <= 0) continue;
                var a = minimumAmps + random.NextDouble() * (most - minimumAmps);
                amps[c][t] = a;
                foreach (var l in limits) room[l] -= a;
            }
        }
        return amps;
    }
}
