namespace SmartElek.Planning;

/// <summary>
/// What an operator or a driver asks of the site's rules; <see cref="SiteRules.Decide"/> turns each
/// into events or a refusal naming the field. They travel from the node whose API was asked to the
/// rules keeper (<c>SmartElek.Actors.Planning.SiteRulesProtocol</c> lists every message of that conversation).
/// Fields are what a form sends (strings, nullable): a missing or bad one is refused by name, never guessed.
/// <para><paramref name="SetBy"/> on every command: the user who asks, kept with what it set.</para>
/// </summary>
public static class SiteRulesCommands
{
    public abstract record Command : IWireMessage
    {
        public abstract string? SetBy { get; init; }
    }

    /// <summary>
    /// "N kWh (<paramref name="EnergyKWh"/>), or battery to X % (<paramref name="BatteryToPercent"/> with the battery's size and
    /// its % now), by a time": the instant <paramref name="Departure"/>, or <paramref name="By"/> "HH:mm" (the next time the site's
    /// clocks show it). Replaces the charger's target; it lasts until the departure passes or the session ends.
    /// <paramref name="BatteryNowPercent"/> left out: the vehicle's own report (the charger's EV level), when it has one.
    /// </summary>
    [WireName("rules.set-target.v1")]
    public sealed record SetDepartureTarget(string? ChargerId, DateTimeOffset? Departure, string? By, double? EnergyKWh,
        double? BatteryToPercent, double? BatteryNowPercent, double? BatteryKWh, double? Efficiency, ChargeMode Mode, string? SetBy) : Command;

    [WireName("rules.clear-target.v1")]
    public sealed record ClearDepartureTarget(string? ChargerId, string? SetBy) : Command;

    /// <summary>
    /// Adds a weekly timer (<paramref name="TimerId"/> null: a new id is given) or replaces one. <paramref name="Days"/> as in
    /// configuration ("Mon-Fri", "Sat,Sun", "daily"), <paramref name="From"/>/<paramref name="To"/> "HH:mm" on the site's clock
    /// (an end not after the start runs past midnight), <paramref name="CapAmps"/> only for <see cref="TimerEffect.Capped"/>.
    /// </summary>
    [WireName("rules.set-timer.v1")]
    public sealed record SetTimer(string? TimerId, TimerScopeKind Scope, string? Target, string? Days, string? From, string? To,
        TimerEffect Effect, double? CapAmps, string? SetBy) : Command;

    [WireName("rules.remove-timer.v1")]
    public sealed record RemoveTimer(string? TimerId, string? SetBy) : Command;

    /// <summary>Adds an energy budget (<paramref name="BudgetId"/> null: a new id) or changes one; energy already used this period still counts.</summary>
    [WireName("rules.set-budget.v1")]
    public sealed record SetBudget(string? BudgetId, BudgetScope Scope, string? Name, BudgetPeriod Period, double? KWh, string? SetBy) : Command;

    [WireName("rules.remove-budget.v1")]
    public sealed record RemoveBudget(string? BudgetId, string? SetBy) : Command;

    /// <summary>Lifts a budget for its current period (charging resumes; the next period counts again).</summary>
    [WireName("rules.lift-budget.v1")]
    public sealed record LiftBudget(string? BudgetId, string? SetBy) : Command;

    [WireName("rules.set-shortfall-rule.v1")]
    public sealed record SetShortfallRule(ShortfallRule Rule, string? SetBy) : Command;

    /// <summary>
    /// From the operator's side: who drives the session on each charger, and the driver's group (for budgets, group
    /// timers and group tariffs). The whole map each time; a charger left out has no known driver.
    /// </summary>
    [WireName("rules.set-drivers.v1")]
    public sealed record SetDrivers(IReadOnlyList<SessionDriver> Drivers, string? SetBy) : Command
    {
        // The keeper's log line says who drives what, not the list's type name.
        protected override bool PrintMembers(System.Text.StringBuilder builder)
        {
            builder.Append("Drivers = [").AppendJoin(", ", Drivers.Select(d => $"{d.Charger}: {d.Driver}{(d.Group is null ? "" : $" ({d.Group})")}"))
                .Append("], SetBy = ").Append(SetBy);
            return true;
        }
    }
}

/// <summary>The driver (and the driver's group) of the session on a charger, as the operator's side knows it.</summary>
public sealed record SessionDriver(ChargerId Charger, string Driver, string? Group);

/// <summary>
/// What happened to the site's rules, as the rules keeper journals them (persistenceId <c>site-rules</c>). Each was
/// decided by <see cref="SiteRules.Decide"/> (or counted from the chargers' state) before it was stored.
/// </summary>
public static class SiteRulesEvents
{
    public abstract record Event : IWireMessage
    {
        public abstract DateTimeOffset At { get; init; }
    }

    /// <summary>
    /// A charger's target, its departure resolved to an instant; <paramref name="SessionId"/> the session it belongs to (null: the
    /// next one) and <paramref name="SessionWhAtSet"/> that session's energy when it was set (the target counts from there).
    /// </summary>
    [WireName("rules.target-set.v1")]
    public sealed record TargetSet(ChargerId Charger, DateTimeOffset Departure, double? EnergyKWh, double? BatteryToPercent,
        double? BatteryNowPercent, double? BatteryKWh, double Efficiency, ChargeMode Mode, string? SessionId, double SessionWhAtSet,
        string SetBy, DateTimeOffset At) : Event;

    /// <summary>A target cleared by someone, or dropped because its departure passed or its session ended (<paramref name="Why"/>).</summary>
    [WireName("rules.target-cleared.v1")]
    public sealed record TargetCleared(ChargerId Charger, string Why, string SetBy, DateTimeOffset At) : Event;

    [WireName("rules.timer-set.v1")]
    public sealed record TimerSet(string TimerId, TimerScopeKind Scope, string Target, string Days, string From, string To,
        TimerEffect Effect, double CapAmps, string SetBy, DateTimeOffset At) : Event;

    [WireName("rules.timer-removed.v1")]
    public sealed record TimerRemoved(string TimerId, string SetBy, DateTimeOffset At) : Event;

    [WireName("rules.budget-set.v1")]
    public sealed record BudgetSet(string BudgetId, BudgetScope Scope, string Name, BudgetPeriod Period, double KWh, string SetBy, DateTimeOffset At) : Event;

    [WireName("rules.budget-removed.v1")]
    public sealed record BudgetRemoved(string BudgetId, string SetBy, DateTimeOffset At) : Event;

    /// <summary>A budget lifted for the period that starts on <paramref name="PeriodStart"/> (a local date of the site).</summary>
    [WireName("rules.budget-lifted.v1")]
    public sealed record BudgetLifted(string BudgetId, DateOnly PeriodStart, string SetBy, DateTimeOffset At) : Event;

    [WireName("rules.shortfall-rule-set.v1")]
    public sealed record ShortfallRuleSet(ShortfallRule Rule, string SetBy, DateTimeOffset At) : Event;

    [WireName("rules.drivers-set.v1")]
    public sealed record DriversSet(IReadOnlyList<SessionDriver> Drivers, string SetBy, DateTimeOffset At) : Event;

    /// <summary>
    /// Energy a driver's session used since the last count: <paramref name="KWh"/> more, the session's energy now
    /// <paramref name="SessionWh"/> (so that a restart counts on from there, never from 0 and never twice).
    /// </summary>
    [WireName("rules.energy-counted.v1")]
    public sealed record EnergyCounted(ChargerId Charger, string SessionId, string? Driver, string? Group, double SessionWh, double KWh,
        DateTimeOffset At) : Event;
}

/// <summary>A refused command: the field (as the command names it) and why; nothing changed.</summary>
public sealed record RulesRefusal(string Field, string Reason)
{
    public override string ToString() => $"{Field}: {Reason}";
}

/// <summary>What <see cref="SiteRules.Decide"/> answers: the events to store, or a refusal.</summary>
public sealed record RulesDecision(IReadOnlyList<SiteRulesEvents.Event> Events, RulesRefusal? Refusal)
{
    public static RulesDecision Refuse(string field, string reason) => new([], new RulesRefusal(field, reason));

    public static RulesDecision Of(params SiteRulesEvents.Event[] events) => new(events, null);
}
