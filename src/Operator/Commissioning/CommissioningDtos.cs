namespace SmartElek.Operator.Commissioning;

/// <summary>The commissioning state as this node holds it.</summary>
public sealed record CommissioningDto(long Version, bool PermitJoinOpen, DateTimeOffset? PermitJoinUntil, IReadOnlyList<PendingChargerDto> Pending,
    IReadOnlyList<string> Removed, IReadOnlyList<BranchDto> Branches, IReadOnlyList<string> Panels, bool CanPowerUpUnits);

/// <param name="Node">The cluster node the unit runs on.</param>
public sealed record PendingChargerDto(string Charger, string Node, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

/// <summary>A circuit a charger can be placed on (no child circuits), with the chargers on it.</summary>
public sealed record BranchDto(string Id, string? ParentId, double RatingAmps, IReadOnlyList<string> Chargers);

public sealed record PermitJoinRequest(double? Minutes);

public sealed record NewBranchRequest(string? ParentId, double? RatingAmps, Dictionary<string, double>? LineLimitAmps);

/// <param name="DriverId">A driver user to assign the charger to (optional).</param>
public sealed record PlaceChargerRequest(string? ChargerId, string? CircuitId, double? RatingAmps, string? Lines, double? FailSafeAmps,
    NewBranchRequest? NewBranch, string? DriverId);

public sealed record CircuitRequest(string? ParentId, double? RatingAmps, Dictionary<string, double>? LineLimitAmps);

public sealed record TopologyChangedDto(long Version);

public sealed record PoweredUpDto(string Charger);

/// <summary>The Host's simulator, when it runs one: powers up a new unit that is in no topology yet (the demo of commissioning).</summary>
public interface IUnitSimulator
{
    Task<string> PowerUpAsync(CancellationToken cancel);
}
