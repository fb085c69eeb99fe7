using System.Globalization;
using SmartElek.Site.Topology;

namespace SmartElek.Site.Allocation;

/// <summary>What bound a charger's grant: the answer to "why does my car charge slowly?".</summary>
public enum LimitKind
{
    /// <summary>A circuit's per-line limit is shared out (<see cref="LimitReason.CircuitId"/>, <see cref="LimitReason.Line"/>).</summary>
    Circuit,
    /// <summary>The charger's own rating.</summary>
    ChargerRating,
    /// <summary>The user's maximum current setting.</summary>
    UserMax,
    /// <summary>The central system's charging profile (OCPP composite limit).</summary>
    OcppLimit,
    /// <summary>The vehicle draws less than it is offered; the rest went to others.</summary>
    VehicleDraw,
    /// <summary>No vehicle asks for current.</summary>
    NotCharging,
    /// <summary>Paused: a circuit cannot give every charger 6 A; paused chargers take turns.</summary>
    Shortage,
    /// <summary>Paused, and kept paused for a minimum time so relays do not cycle.</summary>
    MinimumPause,
    /// <summary>Amps are on their way: others must first apply a lower offer and let the vehicle's window pass.</summary>
    WaitingForDecrease,
    /// <summary>The allocator restarted and waits for every charger's report (or their old leases to end).</summary>
    WaitingForReports,
    /// <summary>The charger could not renew its lease and offers its fail-safe current.</summary>
    FailSafe,
    /// <summary>The charger has not reported for a while; it is treated as drawing its full grant until its lease ends.</summary>
    Silent,
    /// <summary>The site's departure plan holds it back this quarter hour (<see cref="LimitReason.Detail"/> says why).</summary>
    Plan,
    /// <summary>A weekly timer blocks or caps it (<see cref="LimitReason.Detail"/> names the timer).</summary>
    Timer,
    /// <summary>An energy budget is spent (<see cref="LimitReason.Detail"/> names it).</summary>
    Budget,
    /// <summary>The charger was taken out of the site's topology: its last grant, 0 A.</summary>
    Removed,
}

/// <summary>
/// A cap a rule of the site sets for this quarter hour (the departure plan, a timer, a spent budget),
/// handed to the allocator with the demand: the allocator stays the only authority on amps and
/// grants at most this, with the rule's own reason in words.
/// </summary>
/// <param name="Planned">The charger has a departure plan this quarter hour, whichever rule's cap this is
/// (a timer's of the plan's amps shows the timer's reason): the allocator serves it first.</param>
public readonly record struct RuleCap(double Amps, LimitKind Kind, string Why, bool Planned = false)
{
    /// <summary>Served first up to its cap, where it fits (the allocator's filling).</summary>
    public bool ServedFirst => Planned || Kind == LimitKind.Plan;
}

/// <summary>Why a grant is what it is. Circuit-bound reasons name the circuit and line.</summary>
public readonly record struct LimitReason(LimitKind Kind, string? CircuitId = null, Line? Line = null,
    // Left out when null: reasons journalled before rules existed keep their bytes.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Detail = null)
{
    public static LimitReason OnCircuit(string circuitId, Line line) => new(LimitKind.Circuit, circuitId, line);

    public override string ToString() => Kind switch
    {
        LimitKind.Circuit => $"limited by circuit '{CircuitId}' on {Line}",
        LimitKind.Shortage => $"paused: circuit '{CircuitId}' on {Line} cannot give every charger 6 A",
        LimitKind.ChargerRating => "limited by the charger's rating",
        LimitKind.UserMax => "limited by the user's maximum current",
        LimitKind.OcppLimit => "limited by the central system's charging profile",
        LimitKind.VehicleDraw => "the vehicle draws less; the rest is shared with others",
        LimitKind.NotCharging => "no vehicle asks for current",
        LimitKind.MinimumPause => "paused for a minimum time before resuming",
        LimitKind.WaitingForDecrease => "waiting for other chargers to lower their current",
        LimitKind.WaitingForReports => "the allocator restarted and waits for every charger's report",
        LimitKind.FailSafe => "no valid lease: fail-safe current",
        LimitKind.Silent => "the charger stopped reporting",
        LimitKind.Plan => $"held back by the departure plan: {Detail}",
        LimitKind.Timer or LimitKind.Budget => Detail ?? Kind.ToString(),
        LimitKind.Removed => "taken out of the site",
        _ => Kind.ToString(),
    };
}

/// <summary>
/// What the allocator knows of one charger for one allocation round. Every amps value is per
/// line (a charger draws the same current on both of its lines).
/// </summary>
public sealed record ChargerDemand(ChargerId Id)
{
    /// <summary>A vehicle is connected, authorised and may take current (pilot B or C).</summary>
    public bool WantsCurrent { get; init; }

    /// <summary>The user's maximum current, if set.</summary>
    public double? UserMaxAmps { get; init; }

    /// <summary>The central system's composite limit, if any.</summary>
    public double? OcppLimitAmps { get; init; }

    /// <summary>
    /// The metered current (the higher of its two lines) once the vehicle has had its response
    /// window since the last offer change and the pilot offers <see cref="LastGrantAmps"/>; null
    /// while unknown or settling.
    /// </summary>
    public double? VehicleDrawAmps { get; init; }

    /// <summary>
    /// The draw cap the last round left in force (<see cref="Grant.DrawCapAmps"/>); null when the
    /// vehicle takes what it is offered. The allocator is pure, so the caller carries the cap
    /// from each round's grant to the next round's demand: that is what gives it hysteresis.
    /// </summary>
    public double? DrawCapAmps { get; init; }

    /// <summary>The tightest cap of the site's rules for this quarter hour (plan, timer, budget); null when none applies.</summary>
    public RuleCap? RuleCap { get; init; }

    /// <summary>The amps of the charger's current grant (0 when paused).</summary>
    public double LastGrantAmps { get; init; }

    /// <summary>When the charger last went from paused to running or back; null if never, or if its vehicle stopped asking since.</summary>
    public DateTimeOffset? StateSince { get; init; }

    /// <summary>Higher classes are served first when capacity is short.</summary>
    public int PriorityClass { get; init; }

    /// <summary>When the user plans to leave; an earlier departure goes first among equal waiters.</summary>
    public DateTimeOffset? Departure { get; init; }

    /// <summary>Energy of the running session; less energy goes first among equal waiters.</summary>
    public double SessionEnergyWh { get; init; }

    /// <summary>
    /// Amps this charger may draw that the allocator cannot take back (its fail-safe current; what a
    /// silent charger's lease allows; a vehicle read above its lower offer). They are held on its
    /// circuits when it gets no running grant. A lower offer that is only settling is not: the
    /// ledger raises nobody into it, and a pause it caused would outlast it.
    /// </summary>
    public double UncontrolledAmps { get; init; }
}

/// <summary>Tunables of the allocation.</summary>
public sealed record AllocationPolicy
{
    /// <summary>A vehicle that draws less than it is offered gets a draw cap of its draw plus this much, so it can ramp.</summary>
    public double DrawHeadroomAmps { get; init; } = 2;

    /// <summary>
    /// A vehicle drawing within this much of its offer takes what it is offered; one drawing
    /// further under it is limited by itself and gets a draw cap. A draw cap lifts when the
    /// vehicle comes within this much of it again: the vehicle asks for more. Smaller than
    /// <see cref="DrawHeadroomAmps"/>, so a vehicle that keeps drawing what it drew stays capped.
    /// </summary>
    public double AsksForMoreWithinAmps { get; init; } = 1;

    /// <summary>How long a charger runs in a shortage before a waiting one takes its turn.</summary>
    public TimeSpan RotationPeriod { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>A paused charger stays paused at least this long (relay wear, no oscillation).</summary>
    public TimeSpan MinimumPause { get; init; } = TimeSpan.FromMinutes(2);

    public static AllocationPolicy Default { get; } = new();

    public AllocationPolicy Validate()
    {
        if (!(DrawHeadroomAmps >= 0)) throw new ArgumentException($"DrawHeadroomAmps must be >= 0, not {DrawHeadroomAmps}");
        if (!(AsksForMoreWithinAmps >= 0 && AsksForMoreWithinAmps < DrawHeadroomAmps))
            throw new ArgumentException($"AsksForMoreWithinAmps must be >= 0 and under DrawHeadroomAmps ({DrawHeadroomAmps}), not {AsksForMoreWithinAmps}: " +
                "a vehicle capped at its draw plus the headroom would otherwise ask for more at once, and its offer would flap");
        if (RotationPeriod <= TimeSpan.Zero) throw new ArgumentException($"RotationPeriod must be positive, not {RotationPeriod}");
        if (MinimumPause < TimeSpan.Zero) throw new ArgumentException($"MinimumPause must be >= 0, not {MinimumPause}");
        return this;
    }
}

/// <summary>
/// One charger's share: 0 A (paused) or at least 6 A, and why. <see cref="DrawCapAmps"/> is the
/// draw cap in force after this round, for the next round's <see cref="ChargerDemand.DrawCapAmps"/>.
/// </summary>
public readonly record struct Grant(ChargerId Id, double Amps, LimitReason Reason, double? DrawCapAmps = null)
{
    public override string ToString() => $"{Id}: {Amps.ToString("0.##", CultureInfo.InvariantCulture)} A ({Reason})";
}

/// <summary>The result of one allocation round, one grant per charger of the site.</summary>
public sealed class Allocation
{
    readonly Dictionary<ChargerId, int> index;

    internal Allocation(Grant[] grants, Dictionary<ChargerId, int> index)
    {
        Grants = grants;
        this.index = index;
    }

    /// <summary>In the topology's charger order.</summary>
    public IReadOnlyList<Grant> Grants { get; }

    public Grant this[ChargerId id] => Grants[index[id]];
}
