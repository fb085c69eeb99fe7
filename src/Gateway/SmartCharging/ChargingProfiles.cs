using System.Collections.Immutable;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.SmartCharging;

/// <summary>The transaction running on a connector, as smart charging needs it.</summary>
public sealed record ActiveTransaction(int ConnectorId, int TransactionId, DateTimeOffset Start);

/// <summary>A profile as installed on one connector (0 = the whole charge point).</summary>
public sealed record InstalledProfile(int ConnectorId, ChargingProfile Profile);

/// <summary>What the charge point accepts; the standard configuration keys of Smart Charging.</summary>
public sealed record SmartChargingLimits(int NumberOfConnectors = 1, int MaxStackLevel = 10, int MaxPeriods = 48, int MaxProfiles = 16);

/// <summary>The outcome of installing a profile: the new set, the answer, and why when rejected.</summary>
public sealed record ProfileSetOutcome(ChargingProfiles Profiles, ChargingProfileStatus Status, string? Reason);

/// <summary>
/// The charging profiles installed on a charge point, immutable. Set applies the 1.6 placement
/// and replacement rules; nothing here has side effects.
/// </summary>
public sealed record ChargingProfiles(ImmutableList<InstalledProfile> Installed)
{
    public static readonly ChargingProfiles Empty = new(ImmutableList<InstalledProfile>.Empty);

    /// <summary>SetChargingProfile.req on <paramref name="connectorId"/>.</summary>
    public ProfileSetOutcome Set(int connectorId, ChargingProfile profile, ActiveTransaction? transaction, SmartChargingLimits limits, DateTimeOffset now)
    {
        string? reason = Check(connectorId, profile, transaction, limits);
        if (reason is not null) return new(this, ChargingProfileStatus.Rejected, reason);

        if (profile.ChargingProfilePurpose == ChargingProfilePurpose.TxProfile)
            profile = profile with { TransactionId = transaction!.TransactionId };
        // An Absolute schedule without a start starts when it is received.
        if (profile.ChargingProfileKind == ChargingProfileKind.Absolute && profile.ChargingSchedule.StartSchedule is null)
            profile = profile with { ChargingSchedule = profile.ChargingSchedule with { StartSchedule = now } };

        // Same chargingProfileId, or same purpose and stackLevel on the same connector, replaces.
        var kept = Installed.RemoveAll(i =>
            i.Profile.ChargingProfileId == profile.ChargingProfileId
            || (i.ConnectorId == connectorId
                && i.Profile.ChargingProfilePurpose == profile.ChargingProfilePurpose
                && i.Profile.StackLevel == profile.StackLevel));
        if (kept.Count >= limits.MaxProfiles)
            return new(this, ChargingProfileStatus.Rejected, $"at most {limits.MaxProfiles} profiles can be installed");
        return new(new ChargingProfiles(kept.Add(new InstalledProfile(connectorId, profile))), ChargingProfileStatus.Accepted, null);
    }

    private static string? Check(int connectorId, ChargingProfile p, ActiveTransaction? tx, SmartChargingLimits limits)
    {
        if (connectorId < 0 || connectorId > limits.NumberOfConnectors)
            return $"connector {connectorId} does not exist (0..{limits.NumberOfConnectors})";
        if (p.StackLevel < 0 || p.StackLevel > limits.MaxStackLevel)
            return $"stackLevel {p.StackLevel} is outside 0..{limits.MaxStackLevel}";
        switch (p.ChargingProfilePurpose)
        {
            case ChargingProfilePurpose.ChargePointMaxProfile when connectorId != 0:
                return "a ChargePointMaxProfile is installed on connector 0 only";
            case ChargingProfilePurpose.TxProfile when connectorId == 0:
                return "a TxProfile belongs to a connector, not connector 0";
            case ChargingProfilePurpose.TxProfile when tx is null || tx.ConnectorId != connectorId:
                return $"no transaction runs on connector {connectorId}";
            case ChargingProfilePurpose.TxProfile when p.TransactionId is { } id && id != tx!.TransactionId:
                return $"transaction {id} is not the one running ({tx.TransactionId})";
        }
        var s = p.ChargingSchedule;
        if (p.ChargingProfileKind == ChargingProfileKind.Recurring && (p.RecurrencyKind is null || s.StartSchedule is null))
            return "a Recurring profile needs recurrencyKind and startSchedule";
        if (s.ChargingSchedulePeriod.Count == 0)
            return "a schedule needs at least one period";
        if (s.ChargingSchedulePeriod.Count > limits.MaxPeriods)
            return $"at most {limits.MaxPeriods} periods per schedule";
        if (s.ChargingSchedulePeriod[0].StartPeriod != 0)
            return "the first period starts at 0";
        for (var i = 0; i < s.ChargingSchedulePeriod.Count; i++)
        {
            var period = s.ChargingSchedulePeriod[i];
            if (period.Limit < 0) return $"period {i} has a negative limit";
            if (i > 0 && period.StartPeriod <= s.ChargingSchedulePeriod[i - 1].StartPeriod)
                return $"period {i} does not start after period {i - 1}";
        }
        if (s.Duration is < 0) return "duration is negative";
        if (p.ValidFrom is { } from && p.ValidTo is { } to && to <= from) return "validTo is not after validFrom";
        return null;
    }

    /// <summary>ClearChargingProfile.req: by id alone, else by every criterion given (none given: all).</summary>
    public (ChargingProfiles Profiles, ClearChargingProfileStatus Status) Clear(ClearChargingProfileRequest request)
    {
        Func<InstalledProfile, bool> matches = request.Id is { } id
            ? i => i.Profile.ChargingProfileId == id
            : i => (request.ConnectorId is not { } c || i.ConnectorId == c)
                   && (request.ChargingProfilePurpose is not { } p || i.Profile.ChargingProfilePurpose == p)
                   && (request.StackLevel is not { } s || i.Profile.StackLevel == s);
        var kept = Installed.RemoveAll(i => matches(i));
        return kept.Count == Installed.Count
            ? (this, ClearChargingProfileStatus.Unknown)
            : (new ChargingProfiles(kept), ClearChargingProfileStatus.Accepted);
    }

    /// <summary>A transaction ended: its TxProfiles go with it.</summary>
    public ChargingProfiles EndTransaction(int connectorId) =>
        new(Installed.RemoveAll(i => i.ConnectorId == connectorId && i.Profile.ChargingProfilePurpose == ChargingProfilePurpose.TxProfile));
}
