using Google.OrTools.LinearSolver;

namespace SmartElek.Planning;

/// <summary>
/// The planning problem as one linear program (GLOP) or, exact, a mixed-integer one (SCIP) for the
/// 0-or-at-least-6 A rule: x[c][t] amps of charger c in slot t before its departure; z[c] the energy
/// counted toward its target (z ≤ what x delivers, z ≤ the target); for every circuit line and slot
/// the planned amps plus the reserved ones stay under the limit. Rows a slot's caps cannot fill
/// are left out: they can never bind.
/// </summary>
sealed class PlanProgram : IDisposable
{
    public readonly Solver Solver;
    public readonly Variable[][] X;
    public readonly Variable[][]? On;
    public readonly Variable[] Z;
    public readonly double[][] Cap;
    public readonly double[][] CostPerAmp;
    public readonly double[] EnergyMax;
    /// <summary>Per limit and slot: the amps left for planned chargers (limit − reserved).</summary>
    public readonly double[][] Room;
    readonly PlanRequest request;

    public PlanProgram(PlanRequest request, bool exact, double[][] cap)
    {
        this.request = request;
        Cap = cap;
        Solver = Solver.CreateSolver(exact ? "SCIP" : "GLOP") ?? throw new InvalidOperationException("the OR-Tools solver is missing");
        if (exact)
        {
            // Deterministic limits, never wall-clock ones: the same question gets the same plan under any load.
            Solver.SetSolverSpecificParametersAsString("limits/totalnodes = 200000\nlimits/gap = 1e-7\nrandomization/randomseedshift = 0\n");
        }
        var e = request.KWhPerAmpSlot;
        var chargers = request.Chargers;
        var n = chargers.Count;
        X = new Variable[n][];
        On = exact ? new Variable[n][] : null;
        Z = new Variable[n];
        CostPerAmp = new double[n][];
        EnergyMax = new double[n];

        var prices = chargers.SelectMany(c => c.PricePerKWh.Take(Math.Min(c.DepartureSlot, request.Slots))).DefaultIfEmpty(0).ToArray();
        // Fastest mode: each later slot costs more than any price difference could save.
        var step = 2 * (prices.Max() - prices.Min()) + 1;
        for (var c = 0; c < n; c++)
        {
            var pc = chargers[c];
            var slots = Math.Min(pc.DepartureSlot, request.Slots);
            X[c] = new Variable[slots];
            CostPerAmp[c] = new double[slots];
            if (On is not null) On[c] = new Variable[slots];
            var deliver = Solver.MakeConstraint(0, double.PositiveInfinity, "");
            var most = 0.0;
            for (var t = 0; t < slots; t++)
            {
                var x = X[c][t] = Solver.MakeNumVar(0, cap[c][t], "");
                most += cap[c][t] * e;
                deliver.SetCoefficient(x, e);
                CostPerAmp[c][t] = e * (pc.PricePerKWh[t] + (pc.Mode == ChargeMode.Fastest ? step * (t + 1) : 0));
                if (On is not null && cap[c][t] > 0)
                {
                    var on = On[c][t] = Solver.MakeBoolVar("");
                    var upper = Solver.MakeConstraint(double.NegativeInfinity, 0, "");
                    upper.SetCoefficient(x, 1);
                    upper.SetCoefficient(on, -cap[c][t]);
                    var lower = Solver.MakeConstraint(0, double.PositiveInfinity, "");
                    lower.SetCoefficient(x, 1);
                    lower.SetCoefficient(on, -request.MinimumAmps);
                }
            }
            // The battery takes the target and, so a last slot can run at the minimum current, one such slot more.
            EnergyMax[c] = pc.MaxEnergyKWh ?? pc.EnergyKWh + request.MinimumAmps * e;
            Z[c] = Solver.MakeNumVar(0, Math.Min(pc.EnergyKWh, most), "");
            deliver.SetCoefficient(Z[c], -1);
            if (EnergyMax[c] < most)
            {
                var max = Solver.MakeConstraint(double.NegativeInfinity, EnergyMax[c], "");
                for (var t = 0; t < slots; t++) max.SetCoefficient(X[c][t], e);
            }
        }
        Room = LimitRows();
    }

    double[][] LimitRows()
    {
        var site = request.Site;
        var position = request.Chargers.Select((c, i) => (c.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var room = new double[site.Limits.Count][];
        foreach (var limit in site.Limits)
        {
            var reserved = 0.0;
            var members = new List<int>();
            foreach (var k in limit.ChargerIndexes)
            {
                var id = site.ChargerIds[k];
                if (position.TryGetValue(id, out var c)) members.Add(c);
                else reserved += request.ReservedAmps.GetValueOrDefault(id);
            }
            var left = Math.Max(0, limit.LimitAmps - reserved);
            room[limit.Index] = new double[request.Slots];
            for (var t = 0; t < request.Slots; t++)
            {
                room[limit.Index][t] = left;
                var demand = 0.0;
                foreach (var c in members) if (t < X[c].Length) demand += Cap[c][t];
                if (demand <= left + 1e-9) continue;
                var row = Solver.MakeConstraint(double.NegativeInfinity, left, "");
                foreach (var c in members) if (t < X[c].Length) row.SetCoefficient(X[c][t], 1);
            }
        }
        return room;
    }

    /// <summary>Maximises the energy toward the targets of <paramref name="chargers"/> (all when null).</summary>
    public double MaximiseEnergy(IEnumerable<int>? chargers = null)
    {
        var objective = Solver.Objective();
        objective.Clear();
        foreach (var c in chargers ?? Enumerable.Range(0, Z.Length)) objective.SetCoefficient(Z[c], 1);
        objective.SetMaximization();
        Solve();
        return objective.Value();
    }

    /// <summary>Minimises the cost (and, for fastest-mode chargers, lateness).</summary>
    public void MinimiseCost()
    {
        var objective = Solver.Objective();
        objective.Clear();
        for (var c = 0; c < X.Length; c++)
            for (var t = 0; t < X[c].Length; t++)
                objective.SetCoefficient(X[c][t], CostPerAmp[c][t]);
        objective.SetMinimization();
        Solve();
    }

    /// <summary>From now on, the chargers' energy toward their targets stays at least <paramref name="least"/> together.</summary>
    public void KeepAtLeast(IEnumerable<int> chargers, double least)
    {
        var row = Solver.MakeConstraint(least, double.PositiveInfinity, "");
        foreach (var c in chargers) row.SetCoefficient(Z[c], 1);
        floors.Add(row);
    }

    /// <summary>The largest share of every target that all can have together (the proportional rule), kept from now on.</summary>
    public double MaximiseEqualShare()
    {
        var share = Solver.MakeNumVar(0, 1, "share");
        for (var c = 0; c < Z.Length; c++)
        {
            var row = Solver.MakeConstraint(0, double.PositiveInfinity, "");
            row.SetCoefficient(Z[c], 1);
            row.SetCoefficient(share, -request.Chargers[c].EnergyKWh);
            floors.Add(row);
        }
        var objective = Solver.Objective();
        objective.Clear();
        objective.SetCoefficient(share, 1);
        objective.SetMaximization();
        Solve();
        var best = share.SolutionValue();
        share.SetLb(Math.Max(0, best - 1e-9));
        return best;
    }

    /// <summary>Drops every floor the energy phase set (its result is carried in the bounds of z instead).</summary>
    public void ForgetFloors()
    {
        foreach (var row in floors) row.SetLb(double.NegativeInfinity);
        floors.Clear();
    }

    /// <summary>Lexicographic: the most energy toward the targets first, then the least cost for it.</summary>
    public void MostEnergyThenLeastCost()
    {
        floor?.SetLb(double.NegativeInfinity);
        var best = MaximiseEnergy();
        if (floor is null)
        {
            floor = Solver.MakeConstraint(0, double.PositiveInfinity, "");
            foreach (var z in Z) floor.SetCoefficient(z, 1);
        }
        floor.SetLb(best - Tolerance(best));
        MinimiseCost();
    }

    /// <summary>
    /// At the cost just found, every charger's energy as early as it can go: where quarter hours cost
    /// the same, a plan scattered over the evening helps nobody, and an early finish is ready for an
    /// early departure. Each charger keeps the energy it has at each price (so the cost and every
    /// target stay exactly as they are: no tolerance to trade a little cost for earliness), and
    /// moves it only among slots of that price. False (the cost's plan stands) when the solver
    /// finds nothing under its limits.
    /// </summary>
    public bool EarliestAtThatCost()
    {
        // Read before the model changes: a changed model has no solution to read.
        var planned = X.Select(row => row.Select(v => v.SolutionValue()).ToArray()).ToArray();
        if (On is not null)
        {
            // The cost's plan is one answer to this question too: SCIP starts from it.
            var on = On.SelectMany(v => v).Where(v => v is not null).ToArray();
            Solver.SetHint([.. X.SelectMany(v => v), .. on], [.. planned.SelectMany(v => v), .. on.Select(v => v.SolutionValue())]);
        }
        var objective = Solver.Objective();
        objective.Clear();
        for (var c = 0; c < X.Length; c++)
        {
            foreach (var level in Enumerable.Range(0, X[c].Length).GroupBy(t => CostPerAmp[c][t]))
            {
                var amps = level.Sum(t => planned[c][t]);
                var row = Solver.MakeConstraint(amps, amps, "");
                foreach (var t in level) row.SetCoefficient(X[c][t], 1);
            }
            for (var t = 0; t < X[c].Length; t++) objective.SetCoefficient(X[c][t], t + 1);
        }
        objective.SetMinimization();
        // SCIP holds rows to its feasibility tolerance (1e-6): with the price-level rows its answer can
        // lie a few µA over a line's limit (16.0000046 A on a 16 A line was seen). Such a plan is not taken.
        return Solver.Solve() is Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE && KeepsTheLimits(Amps());
    }

    /// <summary>Every charger under its cap and every limit row under its room, to 1e-7 A.</summary>
    bool KeepsTheLimits(double[][] amps)
    {
        const double Tolerance = 1e-7;
        for (var c = 0; c < X.Length; c++)
            for (var t = 0; t < X[c].Length; t++)
                if (amps[c][t] > Cap[c][t] + Tolerance) return false;
        var position = request.Chargers.Select((pc, i) => (pc.Id, i)).ToDictionary(p => p.Id, p => p.i);
        foreach (var limit in request.Site.Limits)
        {
            var members = limit.ChargerIndexes.Select(k => position.TryGetValue(request.Site.ChargerIds[k], out var c) ? c : -1).Where(c => c >= 0).ToList();
            for (var t = 0; t < request.Slots; t++)
                if (members.Sum(c => amps[c][t]) > Room[limit.Index][t] + Tolerance) return false;
        }
        return true;
    }

    readonly List<Constraint> floors = [];
    Constraint? floor;

    public static double Tolerance(double kwh) => 1e-8 + 1e-10 * Math.Abs(kwh);

    /// <summary>A target counts as met within this much (0.1 Wh): solvers answer to ~1e-9, meters to a Wh.</summary>
    public const double MissToleranceKWh = 1e-4;

    void Solve()
    {
        var status = Solver.Solve();
        // SCIP at its node limit returns its best plan (FEASIBLE); every program here has a plan (all zero).
        if (status is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE))
            throw new InvalidOperationException($"the planner's program ended {status}");
    }

    public double[][] Amps()
    {
        var amps = new double[X.Length][];
        for (var c = 0; c < X.Length; c++)
        {
            amps[c] = new double[request.Slots];
            for (var t = 0; t < X[c].Length; t++)
            {
                // Solvers answer within their tolerances (SCIP's on/off within 1e-6, so x ≤ cap × 1e-6 while off): that is 0; a hair under the minimum is the minimum.
                var a = X[c][t].SolutionValue();
                amps[c][t] = a < (On is null ? 1e-9 : 1e-4) ? 0 : a < request.MinimumAmps && a > request.MinimumAmps - 1e-6 ? request.MinimumAmps : a;
            }
        }
        return amps;
    }

    public void Dispose() => Solver.Dispose();
}
