using NodaTime;
using NodaTime.Extensions;
using SmartElek.Planning;
using SmartElek.Site.Allocation;
using static SmartElek.Actors.Planning.SiteRulesProtocol;

namespace SmartElek.Actors.Planning;

/// <summary>The rules and the plan as the protocol shows them (for the API and the dashboard).</summary>
public static class RulesViews
{
    public static RulesView Of(SiteRules rules, Instant now) => new(
        rules.Version,
        now.ToDateTimeOffset(),
        rules.Shortfall,
        [.. rules.Targets.Values.Select(t => new TargetView(t.Charger, t.Departure.ToDateTimeOffset(), t.EnergyKWh, t.BatteryToPercent,
            t.BatteryNowPercent, t.BatteryKWh, t.Efficiency, t.Mode, t.ToTarget().MeterEnergyKWh(), t.SessionId, t.SetBy, t.SetAt.ToDateTimeOffset()))],
        [.. rules.Timers.Values.Select(t => new TimerView(t.Id, t.Window.Scope, t.Window.Target, t.Days, SiteRules.Clock.Format(t.Window.From),
            SiteRules.Clock.Format(t.Window.To), t.Window.Effect, t.Window.Effect == TimerEffect.Capped ? t.Window.CapAmps : null,
            t.Window.Describe(), t.SetBy, t.SetAt.ToDateTimeOffset()))],
        [.. rules.Budgets.Values.Select(b =>
        {
            var u = rules.UsageOf(b, now);
            return new BudgetView(b.Id, b.Budget.Scope, b.Budget.Name, b.Budget.Period, b.Budget.KWh, u.PeriodStart.ToDateOnly(),
                Math.Round(u.UsedKWh, 3), Math.Round(u.RemainingKWh, 3), u.Lifted, u.Spent, b.Budget.Words, b.SetBy, b.SetAt.ToDateTimeOffset());
        })],
        [.. rules.Drivers.Values.OrderBy(d => d.Charger.Value, StringComparer.Ordinal)]);

    public static CapView Cap(ChargerId id, RuleCap cap) => new(id, cap.Amps, cap.Kind, cap.Why, cap.Planned);

    /// <summary>The plan for display; <paramref name="caps"/> the caps in force now (every capped charger).</summary>
    public static PlanView Plan(SiteRules rules, RulePlanRequest? question, SitePlan? plan, Instant? madeAt, string? currency, string? note,
        IReadOnlyDictionary<ChargerId, RuleCap> caps, DateTimeOffset? capsValidUntil)
    {
        var capViews = caps.OrderBy(c => c.Key.Value, StringComparer.Ordinal).Select(c => Cap(c.Key, c.Value)).ToList();
        if (question is null || plan is null)
            return new PlanView(madeAt?.ToDateTimeOffset(), rules.Version, currency, plan?.Method ?? "", note, [], [], capViews, capsValidUntil);
        var start = question.Start;
        var slots = question.Request.Slots;
        DateTimeOffset At(int slot) => (start + SiteClock.Slot * slot).ToDateTimeOffset();
        var chargers = plan.Chargers.Select(p =>
        {
            var departure = rules.Targets.TryGetValue(p.Id, out var t) ? t.Departure.ToDateTimeOffset() : At(slots);
            var mode = question.Request.Chargers.FirstOrDefault(c => c.Id == p.Id)?.Mode ?? ChargeMode.Cheapest;
            return new ChargerPlanView(p.Id, [.. p.Amps.Select(a => Math.Round(a, 2))], Math.Round(p.TargetKWh, 3), Math.Round(p.PlannedKWh, 3),
                p.FinishSlot is { } f ? At(f) : null, departure, mode, Math.Round(p.Cost, 4), Math.Round(p.ChargeNowCost, 4),
                p.Miss?.ToString(), p.Miss is { } m ? Math.Round(m.ShortKWh, 3) : null, p.Miss?.CircuitId,
                question.BudgetNotes.GetValueOrDefault(p.Id), caps.TryGetValue(p.Id, out var cap) ? Cap(p.Id, cap) : null);
        }).ToList();
        return new PlanView(madeAt?.ToDateTimeOffset(), rules.Version, currency, plan.Method, note,
            [.. Enumerable.Range(0, slots).Select(At)], chargers, capViews, capsValidUntil);
    }
}
