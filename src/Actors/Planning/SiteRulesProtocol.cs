using System.Text.Json.Serialization;
using SmartElek.Planning;
using SmartElek.Site.Allocation;

[assembly: SmartElek.WireJsonContext(typeof(SmartElek.Actors.Planning.SiteRulesWireJson))]

namespace SmartElek.Actors.Planning;

/// <summary>
/// Every message of the site's rules: the persistent rules keeper (a cluster singleton, reached through
/// <see cref="KeeperProxyName"/>), its planner, and whoever asks them (the operator's API) or follows them (the allocator).
/// <list type="bullet">
/// <item><b>Commands</b> are <see cref="SiteRulesCommands"/> (pure, beside <see cref="SiteRules.Decide"/> that judges them):
/// SetDepartureTarget, ClearDepartureTarget, SetTimer, RemoveTimer, SetBudget, RemoveBudget, LiftBudget, SetShortfallRule and
/// SetDrivers (the operator's side: who drives each charger's session, and the group). Each is answered with <see cref="RulesAnswer"/>.</item>
/// <item><see cref="GetRules"/> → <see cref="RulesView"/> (also published on <see cref="Topic"/> at every version);
/// <see cref="GetPlan"/> → <see cref="PlanView"/>.</item>
/// <item>The caps of the slot now go to the allocator on <see cref="CapsTopic"/> as <see cref="RuleCapsPublished"/>.</item>
/// </list>
/// </summary>
public static class SiteRulesProtocol
{
    /// <summary>The distributed pub-sub topic every rules version (<see cref="RulesView"/>) is published on.</summary>
    public const string Topic = "site-rules";

    /// <summary>The topic the planner publishes the caps of the slot now on (<see cref="RuleCapsPublished"/>).</summary>
    public const string CapsTopic = "site-rule-caps";

    public const string KeeperName = "site-rules";
    public const string KeeperProxyName = "site-rules-proxy";

    /// <summary>
    /// The answer to a command: the rules version it made (or the one in force), or the refused field and why (nothing
    /// changed). <paramref name="MadeId"/> is the id of the timer or budget the command set (the keeper numbers new ones),
    /// so whoever added it knows which is theirs; null for other commands (and from a keeper older than this field).
    /// Left out of the bytes when null: an answer without it reads and writes as before the field was added.
    /// </summary>
    [WireName("rules.answer.v1")]
    public sealed record RulesAnswer(long Version, string? RefusedField, string? RefusedReason,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MadeId = null) : IWireMessage
    {
        [JsonIgnore]
        public bool Accepted => RefusedField is null;
    }

    [WireName("rules.get.v1")]
    public sealed record GetRules : IWireMessage
    {
        public static GetRules Instance { get; } = new();
    }

    /// <summary>The rules at <paramref name="Version"/>, with each budget's use in the period that holds <paramref name="At"/>.</summary>
    [WireName("rules.view.v1")]
    public sealed record RulesView(long Version, DateTimeOffset At, ShortfallRule Shortfall, IReadOnlyList<TargetView> Targets,
        IReadOnlyList<TimerView> Timers, IReadOnlyList<BudgetView> Budgets, IReadOnlyList<SessionDriver> Drivers) : IWireMessage;

    /// <summary>A departure target; <paramref name="TargetKWh"/> the meter energy it asks for from when it was set.</summary>
    public sealed record TargetView(ChargerId Charger, DateTimeOffset Departure, double? EnergyKWh, double? BatteryToPercent,
        double? BatteryNowPercent, double? BatteryKWh, double Efficiency, ChargeMode Mode, double TargetKWh, string? SessionId,
        string SetBy, DateTimeOffset SetAt);

    /// <summary>A weekly timer; <paramref name="Words"/> as the reasons name it ("charger 'charger-1' Mon-Fri 22:00-06:00").</summary>
    public sealed record TimerView(string Id, TimerScopeKind Scope, string Target, string Days, string From, string To,
        TimerEffect Effect, double? CapAmps, string Words, string SetBy, DateTimeOffset SetAt);

    /// <summary>An energy budget and its period now: used and remaining kWh, lifted or spent.</summary>
    public sealed record BudgetView(string Id, BudgetScope Scope, string Name, BudgetPeriod Period, double KWh, DateOnly PeriodStart,
        double UsedKWh, double RemainingKWh, bool Lifted, bool Spent, string Words, string SetBy, DateTimeOffset SetAt);

    [WireName("rules.get-plan.v1")]
    public sealed record GetPlan : IWireMessage
    {
        public static GetPlan Instance { get; } = new();
    }

    /// <summary>
    /// The site's plan for display: when it was made (null: no plan yet), from which rules version, the start of each
    /// quarter hour it covers, every planned charger, and the caps in force now for every capped charger (planned or not)
    /// until <paramref name="CapsValidUntil"/>. <paramref name="Currency"/> null: no tariffs (costs are 0, targets go fastest);
    /// <paramref name="Note"/> says so, or why no plan could be made.
    /// </summary>
    [WireName("rules.plan-view.v1")]
    public sealed record PlanView(DateTimeOffset? MadeAt, long RulesVersion, string? Currency, string Method, string? Note,
        IReadOnlyList<DateTimeOffset> SlotStarts, IReadOnlyList<ChargerPlanView> Chargers, IReadOnlyList<CapView> CapsNow,
        DateTimeOffset? CapsValidUntil) : IWireMessage;

    /// <summary>
    /// One planned charger: amps per slot, the target and what the plan delivers (kWh), when it is expected to be done
    /// (null: not by its departure), the plan's cost and charging at once's, and when missed: by how much, why, and the
    /// bottleneck circuit (null: its own cap or the shortfall rule). <paramref name="BudgetNote"/>: a budget held the target back.
    /// </summary>
    public sealed record ChargerPlanView(ChargerId Charger, IReadOnlyList<double> Amps, double TargetKWh, double PlannedKWh,
        DateTimeOffset? ExpectedFinish, DateTimeOffset Departure, ChargeMode Mode, double Cost, double ChargeNowCost,
        string? Miss, double? MissKWh, string? MissCircuit, string? BudgetNote, CapView? CapNow);

    /// <summary>
    /// A cap the rules put on a charger's grant: its amps, its kind (Plan, Timer, Budget), why in words, and whether the
    /// charger has a departure plan (<see cref="RuleCap.Planned"/>; left out of the bytes when false, as before it existed).
    /// </summary>
    public sealed record CapView(ChargerId Charger, double Amps, LimitKind Kind, string Why,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Planned = false);

    /// <summary>
    /// The caps of the quarter hour now, for the allocator: it takes them until <paramref name="ValidUntil"/> and drops them
    /// then unless refreshed (the plan is not a safety mechanism; a missing cap only lets the allocator give what it would anyway).
    /// </summary>
    [WireName("rules.caps.v1")]
    public sealed record RuleCapsPublished(long RulesVersion, DateTimeOffset MadeAt, DateTimeOffset ValidUntil, IReadOnlyList<CapView> Caps) : IWireMessage;
}

/// <summary>The JSON metadata of the rules' wire messages: the protocol, the pure commands and the journal's events.</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(SiteRulesProtocol.RulesAnswer))]
[JsonSerializable(typeof(SiteRulesProtocol.GetRules))]
[JsonSerializable(typeof(SiteRulesProtocol.RulesView))]
[JsonSerializable(typeof(SiteRulesProtocol.GetPlan))]
[JsonSerializable(typeof(SiteRulesProtocol.PlanView))]
[JsonSerializable(typeof(SiteRulesProtocol.RuleCapsPublished))]
[JsonSerializable(typeof(SiteRulesCommands.SetDepartureTarget))]
[JsonSerializable(typeof(SiteRulesCommands.ClearDepartureTarget))]
[JsonSerializable(typeof(SiteRulesCommands.SetTimer))]
[JsonSerializable(typeof(SiteRulesCommands.RemoveTimer))]
[JsonSerializable(typeof(SiteRulesCommands.SetBudget))]
[JsonSerializable(typeof(SiteRulesCommands.RemoveBudget))]
[JsonSerializable(typeof(SiteRulesCommands.LiftBudget))]
[JsonSerializable(typeof(SiteRulesCommands.SetShortfallRule))]
[JsonSerializable(typeof(SiteRulesCommands.SetDrivers))]
[JsonSerializable(typeof(SiteRulesEvents.TargetSet))]
[JsonSerializable(typeof(SiteRulesEvents.TargetCleared))]
[JsonSerializable(typeof(SiteRulesEvents.TimerSet))]
[JsonSerializable(typeof(SiteRulesEvents.TimerRemoved))]
[JsonSerializable(typeof(SiteRulesEvents.BudgetSet))]
[JsonSerializable(typeof(SiteRulesEvents.BudgetRemoved))]
[JsonSerializable(typeof(SiteRulesEvents.BudgetLifted))]
[JsonSerializable(typeof(SiteRulesEvents.ShortfallRuleSet))]
[JsonSerializable(typeof(SiteRulesEvents.DriversSet))]
[JsonSerializable(typeof(SiteRulesEvents.EnergyCounted))]
internal sealed partial class SiteRulesWireJson : JsonSerializerContext;
