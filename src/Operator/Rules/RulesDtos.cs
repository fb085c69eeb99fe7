namespace SmartElek.Operator.Rules;

// What the rules and plan endpoints read and return. Energy in kWh (0.001), amps per line (0.1 A),
// money in the site's currency (0.01), instants in UTC with the site's local wall-clock time beside them.

/// <summary>A departure target: give <c>energyKwh</c> or <c>batteryToPercent</c>, and <c>by</c> as HH:MM (the next such time on the site's clock) or an ISO instant.</summary>
/// <param name="Mode">cheapest (default): the cheapest quarter hours before departure; fastest: as soon as the site allows.</param>
public sealed record TargetRequest(double? EnergyKwh, double? BatteryToPercent, string? By, string? Mode);

/// <param name="DepartureLocal">The departure on the site's clock (Site:TimeZone), e.g. "Sat 07:30".</param>
/// <param name="MeterKwh">The energy the plan delivers for it at the meter (a battery target: from the battery's size, level and the charger's efficiency).</param>
public sealed record TargetDto(string Charger, string? Driver, double? EnergyKwh, double? BatteryToPercent, double MeterKwh, DateTimeOffset Departure,
    string DepartureLocal, string Mode, string? SetBy);

/// <summary>The site's plan: its quarter hours and, for each charger with a target, its amps in each.</summary>
/// <param name="MadeAt">When the plan was made; null: no plan yet.</param>
/// <param name="Currency">The tariffs' currency; empty: the site has no tariffs (costs are 0, targets charge fastest).</param>
/// <param name="Note">Why there is no plan, or that there are no tariffs.</param>
/// <param name="SlotStarts">The start of each quarter hour of the plan (UTC).</param>
/// <param name="Chargers">Every charger with a target, and every charger the site's rules cap now (its target null).</param>
public sealed record PlanDto(DateTimeOffset? MadeAt, string Currency, string? Note, string ShortfallRule, IReadOnlyList<DateTimeOffset> SlotStarts,
    IReadOnlyList<ChargerPlanDto> Chargers);

/// <param name="Amps">Planned amps per line in each of the plan's quarter hours (0 or at least 6 A).</param>
/// <param name="TargetKwh">What is still to go: the target's energy less what the session took since it was set.</param>
/// <param name="Finish">When the target is expected to be reached; null: not before departure (see <paramref name="Miss"/>).</param>
/// <param name="Cost">What the plan's energy costs at the driver group's tariff.</param>
/// <param name="ChargeNowCost">What charging at once (the site's fair share from now on) would cost for the same energy.</param>
/// <param name="Miss">Why and by how much the target will not be met, in words (null: it will be).</param>
/// <param name="CapAmps">The cap the site's rules put on the charger now (plan, timer or budget), null: none.</param>
/// <param name="CapKind">Plan, Timer or Budget: which rule set that cap.</param>
/// <param name="CapReason">The reason for that cap in words, as the charger's grant shows it.</param>
/// <param name="BudgetNote">A budget held the target back: how.</param>
public sealed record ChargerPlanDto(string Charger, string? Driver, string? Group, TargetDto? Target, IReadOnlyList<double> Amps, double TargetKwh,
    double PlannedKwh, DateTimeOffset? Finish, string? FinishLocal, double Cost, double ChargeNowCost, string? Miss, double? CapAmps, string? CapKind,
    string? CapReason, string? BudgetNote);

/// <summary>A weekly timer window.</summary>
/// <param name="Scope">charger, circuit or group (a driver group).</param>
/// <param name="Target">The charger's id, the circuit's id or the group's name.</param>
/// <param name="Days">Weekdays as "Mon-Fri", "Sat,Sun" or "daily".</param>
/// <param name="From">HH:MM on the site's clock.</param>
/// <param name="To">HH:MM (24:00: midnight); a window whose end is not after its start runs past midnight.</param>
/// <param name="Effect">allowed (charging only inside this scope's allowed windows), blocked, or capped at capAmps.</param>
public sealed record TimerRequest(string? Scope, string? Target, string? Days, string? From, string? To, string? Effect, double? CapAmps);

public sealed record TimerDto(string Id, string Scope, string Target, string Days, string From, string To, string Effect, double? CapAmps, string Text);

/// <summary>An energy budget: at most kwh per period (day, week from Monday, month on the site's clock) for a driver or a driver group.</summary>
/// <param name="Scope">driver or group.</param>
/// <param name="Name">The driver's user name or the group's name.</param>
public sealed record BudgetRequest(string? Scope, string? Name, string? Period, double? Kwh);

/// <param name="Lifted">The operator lifted it for this period: it stops nothing until the period turns.</param>
public sealed record BudgetDto(string Id, string Scope, string Name, string Period, double Kwh, double UsedKwh, double RemainingKwh, bool Spent, bool Lifted, string Text);

/// <param name="ShortfallRule">earliestDepartureFirst or proportional: how the site shares a shortfall when the targets cannot all be met.</param>
public sealed record PlanningSettingsDto(string? ShortfallRule);

/// <summary>The site's rules: timers, budgets (used and remaining this period) and the planning settings.</summary>
public sealed record RulesDto(IReadOnlyList<TimerDto> Timers, IReadOnlyList<BudgetDto> Budgets, PlanningSettingsDto Settings);
