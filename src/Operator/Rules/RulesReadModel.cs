using System.Globalization;
using NodaTime;
using SmartElek.Actors.Planning;
using SmartElek.Planning;
using SmartElek.Site.Allocation;
using static SmartElek.Actors.Planning.SiteRulesProtocol;

namespace SmartElek.Operator.Rules;

/// <summary>Turns the rules keeper's views into what the API and the dashboard show (pure: views and the site's zone in, DTOs out).</summary>
public static class RulesReadModel
{
    private static double Kwh(double kwh) => Math.Round(kwh, 3, MidpointRounding.AwayFromZero);

    private static double Money(double amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    /// <summary>An instant on the site's clock, as a driver reads it: "Sat 07:30".</summary>
    public static string Local(DateTimeOffset at, DateTimeZone zone) =>
        Instant.FromDateTimeOffset(at).InZone(zone).ToString("ddd HH:mm", CultureInfo.InvariantCulture);

    public static RulesDto Rules(RulesView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new RulesDto(
            [.. view.Timers.Select(t => new TimerDto(t.Id, RuleRequests.Name(t.Scope), t.Target, t.Days, t.From,
                // A window that ends at midnight is shown as people write it.
                t.To == "00:00" ? "24:00" : t.To, RuleRequests.Name(t.Effect), t.Effect == TimerEffect.Capped ? t.CapAmps : null, t.Words))],
            [.. view.Budgets.Select(b => new BudgetDto(b.Id, b.Scope == BudgetScope.Driver ? "driver" : "group", b.Name, RuleRequests.Name(b.Period),
                Kwh(b.KWh), Kwh(b.UsedKWh), Kwh(b.RemainingKWh), b.Spent, b.Lifted, b.Words))],
            new PlanningSettingsDto(RuleRequests.Name(view.Shortfall)));
    }

    public static TargetDto Target(TargetView t, string? driver, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new TargetDto(t.Charger.Value, driver, t.EnergyKWh, t.BatteryToPercent, Kwh(t.TargetKWh), t.Departure, Local(t.Departure, zone),
            RuleRequests.Name(t.Mode), t.SetBy);
    }

    /// <summary>
    /// The plan as shown: every charger with a target (planned or not yet), then every other charger the rules cap now.
    /// A cap's words are the grant's (<see cref="LimitReason"/>), so the card and the plan say the same.
    /// </summary>
    public static PlanDto Plan(PlanView plan, RulesView rules, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(rules);
        var drivers = rules.Drivers.ToDictionary(d => d.Charger.Value, StringComparer.Ordinal);
        var planned = plan.Chargers.ToDictionary(c => c.Charger.Value, StringComparer.Ordinal);
        var caps = plan.CapsNow.ToDictionary(c => c.Charger.Value, StringComparer.Ordinal);
        var rows = new List<ChargerPlanDto>();
        foreach (var t in rules.Targets.OrderBy(t => t.Charger.Value, StringComparer.Ordinal))
        {
            var id = t.Charger.Value;
            var driver = drivers.GetValueOrDefault(id);
            var cap = planned.GetValueOrDefault(id)?.CapNow ?? caps.GetValueOrDefault(id);
            var target = Target(t, driver?.Driver, zone);
            rows.Add(planned.TryGetValue(id, out var p)
                ? new ChargerPlanDto(id, driver?.Driver, driver?.Group, target, [.. p.Amps.Select(SmartElek.Operator.Api.SiteReadModel.Amps)], Kwh(p.TargetKWh),
                    Kwh(p.PlannedKWh), p.ExpectedFinish, p.ExpectedFinish is { } f ? Local(f, zone) : null, Money(p.Cost), Money(p.ChargeNowCost), p.Miss,
                    cap?.Amps, cap?.Kind.ToString(), cap is { } c ? Words(c) : null, p.BudgetNote)
                : new ChargerPlanDto(id, driver?.Driver, driver?.Group, target, [], Kwh(t.TargetKWh), 0, null, null, 0, 0,
                    plan.Note ?? "not planned yet: the plan is made again within moments (a vehicle must be plugged in)",
                    cap?.Amps, cap?.Kind.ToString(), cap is { } c2 ? Words(c2) : null, null));
        }
        foreach (var cap in plan.CapsNow.Where(c => rows.All(r => r.Charger != c.Charger.Value)).OrderBy(c => c.Charger.Value, StringComparer.Ordinal))
        {
            var driver = drivers.GetValueOrDefault(cap.Charger.Value);
            rows.Add(new ChargerPlanDto(cap.Charger.Value, driver?.Driver, driver?.Group, null, [], 0, 0, null, null, 0, 0, null,
                cap.Amps, cap.Kind.ToString(), Words(cap), null));
        }
        return new PlanDto(plan.MadeAt, plan.Currency ?? "", plan.Note, RuleRequests.Name(rules.Shortfall), plan.SlotStarts, rows);
    }

    /// <summary>A cap in the words the charger's grant uses for it.</summary>
    public static string Words(CapView cap) =>
        $"{new LimitReason(cap.Kind, Detail: cap.Why)} (at most {cap.Amps.ToString("0.0", CultureInfo.InvariantCulture)} A)";
}
