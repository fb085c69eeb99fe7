using System.Globalization;
using SmartElek.Site.Allocation;
using SmartElek.Site.Topology;

namespace SmartElek.Planning;

/// <summary>How the site shares a shortfall when the targets cannot all be met (the operator's setting).</summary>
public enum ShortfallRule
{
    /// <summary>Earlier departures are served first; a later one gets what they leave.</summary>
    EarliestDepartureFirst,
    /// <summary>Every target gets the same share of itself; what is left goes to whoever can still use it.</summary>
    Proportional,
}

/// <summary>
/// One charger with a target, as the planner sees it: the energy to deliver (meter side) in slots
/// 0..<see cref="DepartureSlot"/>-1, the most it may take in each slot (its rating, the user's
/// maximum, the timers, what the vehicle takes) and the price of each slot for its driver's group.
/// </summary>
public sealed record PlanCharger(
    ChargerId Id,
    double EnergyKWh,
    int DepartureSlot,
    double[] CapAmps,
    double[] PricePerKWh,
    ChargeMode Mode = ChargeMode.Cheapest,
    double? MaxEnergyKWh = null);

/// <summary>
/// A planning question: the site, <see cref="Slots"/> quarter hours from now, the chargers with
/// targets and the amps held back in every slot for each charger without one.
/// </summary>
public sealed record PlanRequest(
    SiteLimits Site,
    int Slots,
    IReadOnlyList<PlanCharger> Chargers,
    double VoltsLineToLine = 240,
    ShortfallRule Rule = ShortfallRule.EarliestDepartureFirst)
{
    /// <summary>
    /// Amps each charger without a target keeps on its circuits in every slot, so a vehicle that
    /// arrives (or is plugged in without a target) can still run at the minimum current: the plan
    /// never fills a circuit with planned chargers alone. Default: the minimum current, 6 A.
    /// </summary>
    public IReadOnlyDictionary<ChargerId, double> ReservedAmps { get; init; } = new Dictionary<ChargerId, double>();

    /// <summary>The lowest current a running charger may be given (J1772: 6 A); 0 plans without the rule (used to compare with a plain LP).</summary>
    public double MinimumAmps { get; init; } = SiteTopology.MinimumChargingAmps;

    /// <summary>Up to this many charger-slots the plan is exact (a MIP for the 0-or-at-least-6 A rule); above, an LP then a repair.</summary>
    public int ExactUpTo { get; init; } = 2_500;

    public double SlotHours => 0.25;

    /// <summary>kWh one amp carries through one slot (per line amps, line-to-line voltage).</summary>
    public double KWhPerAmpSlot => VoltsLineToLine * SlotHours / 1000;
}

/// <summary>A target that will not be met: by how much, and what stands in the way.</summary>
public sealed record PlanMiss(double ShortKWh, string Why, string? CircuitId = null, Line? Line = null)
{
    public override string ToString() => $"short by {ShortKWh.ToString("0.###", CultureInfo.InvariantCulture)} kWh: {Why}";
}

/// <summary>One charger's plan: amps per slot, energy and cost, and what charging at once would cost.</summary>
public sealed record ChargerPlan(
    ChargerId Id,
    double[] Amps,
    double TargetKWh,
    double PlannedKWh,
    double Cost,
    double ChargeNowCost,
    double ChargeNowKWh,
    int? FinishSlot,
    PlanMiss? Miss);

/// <summary>The site's plan: every charger with a target, and how it was found.</summary>
/// <param name="ChargeNowFits">Whether charging at once leaves every reserve whole (else its figures are for display only).</param>
public sealed record SitePlan(IReadOnlyList<ChargerPlan> Chargers, double Cost, double ChargeNowCost, bool ChargeNowFits, string Method)
{
    public ChargerPlan this[ChargerId id] => Chargers.First(c => c.Id == id);
    public IEnumerable<ChargerPlan> Misses => Chargers.Where(c => c.Miss is not null);
}

/// <summary>A plan acting through the allocator: each charger's amps for one slot as a cap with its reason in words.</summary>
public static class PlanCaps
{
    public static Dictionary<ChargerId, SmartElek.Site.Allocation.RuleCap> ForSlot(SitePlan plan, int slot)
    {
        var caps = new Dictionary<ChargerId, SmartElek.Site.Allocation.RuleCap>();
        foreach (var p in plan.Chargers)
        {
            var amps = slot < p.Amps.Length ? p.Amps[slot] : 0;
            var why = amps <= 0
                ? p.PlannedKWh >= p.TargetKWh - PlanProgram.MissToleranceKWh && p.FinishSlot is { } done && done <= slot
                    ? "its target is planned in full"
                    : "it waits for cheaper quarter hours before its departure"
                : $"{amps.ToString("0.#", CultureInfo.InvariantCulture)} A this quarter hour";
            if (p.Miss is { } miss) why += $" (the target is {miss})";
            caps[p.Id] = new SmartElek.Site.Allocation.RuleCap(amps, SmartElek.Site.Allocation.LimitKind.Plan, why, Planned: true);
        }
        return caps;
    }
}
