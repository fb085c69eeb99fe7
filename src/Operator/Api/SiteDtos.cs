namespace SmartElek.Operator.Api;

// What the read endpoints return. Amps to 0.1 A, energy to 0.001 kWh, power to 0.01 kW, ages in seconds (0.1 s).

/// <summary>The site at a glance, as this node sees it.</summary>
/// <param name="Node">The address of the node that answered.</param>
public sealed record SiteDto(string Name, string Phases, string Node, DateTimeOffset At, SiteCountsDto Chargers, AllocatorDto Allocator, IReadOnlyList<NodeDto> Nodes);

public sealed record SiteCountsDto(int Total, int Live, int Unreachable, int Unknown, int Charging, int Faulted);

/// <param name="AgeSeconds">Since the allocator's ledger last reached this node; null before the first.</param>
public sealed record AllocatorDto(bool Answering, double? AgeSeconds, bool Rebuilding);

/// <param name="AgeSeconds">Since this node last heard from that node's chargers.</param>
public sealed record NodeDto(string Address, bool Self, bool Reachable, bool Removed, double? AgeSeconds, int Chargers);

public sealed record CircuitsDto(DateTimeOffset At, double? AllocationAgeSeconds, IReadOnlyList<CircuitDto> Circuits);

/// <param name="Over">Some line may be drawing more than its limit (what the allocator counts).</param>
public sealed record CircuitDto(string Id, string Kind, string? ParentId, int Depth, double RatingAmps, IReadOnlyList<CircuitLineDto> Lines,
    IReadOnlyList<string> ChargerIds, int Chargers, int UnreachableChargers, bool Over);

/// <param name="MayDrawAmps">What the allocator counts against the limit (an unheard charger at its full grant until its lease ends).</param>
/// <param name="DrawnAmps">Metered by the chargers whose state is live.</param>
public sealed record CircuitLineDto(string Line, double LimitAmps, double GrantedAmps, double MayDrawAmps, double DrawnAmps, bool Over);

public sealed record LedSegmentDto(bool On, int Milliseconds);

/// <summary>An LED as drawn: colour (off, green, red, blue), the pattern in words, and its repeating segments.</summary>
public sealed record LedDto(string Color, string Text, IReadOnlyList<LedSegmentDto> Segments);

/// <summary>Why a grant is what it is: the kind, the circuit and line that bound it, and the reason in words.</summary>
public sealed record LimitDto(string Kind, string? CircuitId, string? Line, string Text);

/// <summary>What the live table shows of one charger (null state: never heard of yet).</summary>
/// <param name="Reach">live, unreachable (last-known state, with its age) or unknown.</param>
/// <param name="Why">Why it is not live.</param>
public sealed record ChargerSummaryDto(string Id, string Name, string CircuitId, string Lines, string? Node, string Reach, double? AgeSeconds,
    string? Why, ChargerStateDto? State);

public sealed record ChargerStateDto(
    DateTimeOffset At,
    string Pilot,
    string PilotText,
    LedDto StatusLed,
    LedDto NetworkLed,
    bool RelaysClosed,
    double GrantedAmps,
    LimitDto? Limit,
    double OfferedAmps,
    double DrawnAmps,
    double PowerKw,
    string Session,
    double SessionKwh,
    long SessionSeconds,
    double RegisterKwh,
    IReadOnlyList<string> Faults,
    double EvLevelPercent,
    double EvRangeKm,
    bool Operative);

public sealed record ChargerPageDto(int Total, int Page, int PageSize, IReadOnlyList<ChargerSummaryDto> Items);

/// <summary>Everything about one charger: the summary, electrical detail, faults with their meaning and how they clear, settings, and the allocator's book.</summary>
public sealed record ChargerDetailDto(ChargerSummaryDto Summary, double RatingAmps, double FailSafeAmps, ChargerMoreDto? More,
    IReadOnlyList<FaultDto> Faults, SettingsDto? Settings, AllocationDto? Allocation);

public sealed record ChargerMoreDto(double Volts, double FrequencyHz, double PowerFactor, bool RegisterRecovered, string Thermal, int GfciTrips,
    string? LastButtonAction, double? OcppLimitAmps, string? SessionId, string? StopReason, bool RelaysVerified);

/// <param name="Meaning">What the fault is, in words.</param>
/// <param name="HowToClear">What clears it, e.g. "unplug the vehicle to reset".</param>
public sealed record FaultDto(string Kind, string Meaning, string Detail, DateTimeOffset Since, bool Latched, DateTimeOffset? RetryAt, string Clearing,
    string HowToClear, string OcppErrorCode);

/// <summary>The owner's settings (the manual's app): currents in A, capacity in kWh, level in %, efficiency in km/kWh.</summary>
public sealed record SettingsDto(string Name, bool AutoStart, double MinCurrent, double MaxCurrent, double EvBatteryCapacityKwh,
    double EvStartingLevelPercent, double EvKmPerKwh);

/// <param name="MayDrawAmps">What the allocator counts this charger as possibly drawing.</param>
public sealed record AllocationDto(double GrantedAmps, double MayDrawAmps, LimitDto Limit, bool Silent);
