using SmartElek.Site.Allocation;
using static SmartElek.Site.SiteProtocol;

namespace SmartElek.Site.Grants;

/// <summary>
/// What the charger tells its site member: its pilot and meter, and which grant its pilot
/// offers now (<see cref="AppliedGrantEpoch"/>/<see cref="AppliedGrantSeq"/> copied from the
/// <see cref="CurrentGrant"/> it applied; 0/0 for a fail-safe offer).
/// </summary>
public sealed record SiteChargerStatus(
    bool WantsCurrent,
    string PilotState,
    LineCurrents DrawnAmps,
    double OfferedAmps,
    long AppliedGrantEpoch,
    long AppliedGrantSeq)
{
    public double? UserMaxAmps { get; init; }
    public double? OcppLimitAmps { get; init; }
    public int PriorityClass { get; init; }
    public DateTimeOffset? Departure { get; init; }
    public double SessionEnergyWh { get; init; }
}

/// <summary>
/// The charger's side of the lease (pure; the <c>SiteMember</c> actor owns one). It numbers
/// reports and remembers when each was sent, accepts a grant only if it is newer than the last
/// and still leased, measures the lease from the anchoring report's send time, and falls back
/// to the fail-safe current <see cref="LeasePolicy.FailSafeLead"/> before the lease ends.
/// </summary>
public sealed class LeaseHolder
{
    readonly Dictionary<long, DateTimeOffset> sentAt = [];
    readonly List<(double Amps, DateTimeOffset Until)> recentHigherOffers = [];
    long nextReportSeq = 1;
    long highestEpoch;
    DateTimeOffset highestEpochLeaseEnd;
    long lastGrantSeq;
    double lastStatusOffer;

    public LeaseHolder(ChargerId charger, double failSafeAmps, LeasePolicy? policy = null, Guid? incarnation = null)
    {
        Charger = charger;
        FailSafeAmps = failSafeAmps;
        Policy = (policy ?? LeasePolicy.Default).Validate();
        Incarnation = incarnation ?? Guid.NewGuid();
    }

    public ChargerId Charger { get; }
    public double FailSafeAmps { get; }
    public LeasePolicy Policy { get; }

    /// <summary>Identifies this holder's report numbering; a restarted member starts a new one.</summary>
    public Guid Incarnation { get; }

    /// <summary>The grant the charger should offer now (a fail-safe one when no lease holds).</summary>
    public CurrentGrant? Offer { get; private set; }

    /// <summary>When the lease of <see cref="Offer"/> ends (charger clock); null on fail-safe.</summary>
    public DateTimeOffset? LeaseEnd { get; private set; }

    /// <summary>When the charger must have fallen back; schedule a tick for it.</summary>
    public DateTimeOffset? FailSafeAt => LeaseEnd - Policy.FailSafeLead;

    public bool OnFailSafe => Offer is null || Offer.IsFailSafe;

    /// <summary>Why the last refused grant was refused (for the log).</summary>
    public string? LastRefusal { get; private set; }

    /// <summary>The offer to start with, before any allocator has been heard: fail-safe.</summary>
    public CurrentGrant Start(DateTimeOffset now) => FallBack(now);

    /// <summary>
    /// The offer of a charger just placed on a running site: 0 A until its first grant. Its fail-safe
    /// share is not yet reserved (the others' grants may fill its circuits until they decrease and
    /// their 5 s window passes), so it may not fall back to it before the allocator has heard it and
    /// counted it; after its first grant it falls back to its fail-safe current as every charger does.
    /// </summary>
    public CurrentGrant StartUnreserved(DateTimeOffset now)
    {
        LeaseEnd = null;
        Offer = new CurrentGrant(Charger, 0, 0, 0, Incarnation, 0, TimeSpan.Zero, now, new LimitReason(LimitKind.FailSafe));
        return Offer;
    }

    /// <summary>Builds the next report and remembers when it was sent.</summary>
    public ChargerReport NextReport(SiteChargerStatus status, DateTimeOffset now)
    {
        var seq = nextReportSeq++;
        sentAt[seq] = now;
        foreach (var old in sentAt.Keys.Where(s => now - sentAt[s] > Policy.LeaseDuration).ToList()) sentAt.Remove(old);

        // After a lower offer the old, higher one may flow for the vehicle's window.
        if (status.OfferedAmps < lastStatusOffer)
            recentHigherOffers.Add((lastStatusOffer, now + Policy.VehicleResponseWindow));
        lastStatusOffer = status.OfferedAmps;
        recentHigherOffers.RemoveAll(o => o.Until <= now);
        var mayDraw = recentHigherOffers.Aggregate(status.OfferedAmps, (m, o) => Math.Max(m, o.Amps));
        if (Offer is { } offer && (offer.AllocatorEpoch != status.AppliedGrantEpoch || offer.GrantSeq != status.AppliedGrantSeq))
            mayDraw = Math.Max(mayDraw, offer.Amps); // forwarded, not yet applied
        mayDraw = Math.Max(mayDraw, FailSafeAmps);

        var remaining = LeaseEnd is { } end && end > now ? end - now : TimeSpan.Zero;
        return new ChargerReport(Charger, Incarnation, seq, status.WantsCurrent, status.PilotState, status.DrawnAmps,
            status.OfferedAmps, mayDraw, status.AppliedGrantEpoch, status.AppliedGrantSeq, remaining, OnFailSafe,
            status.UserMaxAmps, status.OcppLimitAmps, status.PriorityClass, status.Departure, status.SessionEnergyWh);
    }

    /// <summary>Takes a grant from the allocator; returns it when the charger should apply it, else null.</summary>
    public CurrentGrant? OnGrant(CurrentGrant grant, DateTimeOffset now)
    {
        string? refusal = null;
        DateTimeOffset end = default;
        if (grant.Charger != Charger) refusal = $"grant for {grant.Charger}, not {Charger}";
        else if (grant.AllocatorEpoch <= 0) refusal = "grant without an allocator epoch";
        // A late grant of an older allocator is refused while the newer one's lease holds; after
        // that a lower epoch is taken as a new allocator whose clock runs behind.
        else if (grant.AllocatorEpoch < highestEpoch && now < highestEpochLeaseEnd)
            refusal = $"grant from an older allocator (epoch {grant.AllocatorEpoch} < {highestEpoch})";
        else if (grant.AllocatorEpoch == highestEpoch && grant.GrantSeq <= lastGrantSeq) refusal = $"grant {grant.GrantSeq} is not newer than {lastGrantSeq}";
        else if (grant.AnchorIncarnation != Incarnation || !sentAt.TryGetValue(grant.AnchorReportSeq, out var sent))
            refusal = $"grant anchored to report {grant.AnchorReportSeq} that this member did not send recently";
        else if (now >= (end = sent + grant.LeaseDuration) - Policy.FailSafeLead) refusal = "grant arrived with its lease already (nearly) over";

        if (refusal is not null)
        {
            LastRefusal = refusal;
            return null;
        }
        highestEpoch = grant.AllocatorEpoch;
        highestEpochLeaseEnd = end;
        lastGrantSeq = grant.GrantSeq;
        LeaseEnd = end;
        Offer = grant;
        return grant;
    }

    /// <summary>Call at <see cref="FailSafeAt"/> (or any time): returns the fail-safe grant to apply once the lease can no longer be trusted.</summary>
    public CurrentGrant? OnTick(DateTimeOffset now)
    {
        if (OnFailSafe || FailSafeAt is not { } at || now < at) return null;
        return FallBack(now);
    }

    /// <summary>Gives the lease up now (the member leaves the cluster or stops): the fail-safe grant to apply.</summary>
    public CurrentGrant Release(DateTimeOffset now) => FallBack(now);

    CurrentGrant FallBack(DateTimeOffset now)
    {
        LeaseEnd = null;
        Offer = new CurrentGrant(Charger, 0, 0, FailSafeAmps, Incarnation, 0, TimeSpan.Zero, now, new LimitReason(LimitKind.FailSafe));
        return Offer;
    }
}
