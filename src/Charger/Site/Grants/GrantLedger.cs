using SmartElek.Site.Allocation;
using SmartElek.Site.Topology;
using static SmartElek.Site.SiteProtocol;

namespace SmartElek.Site.Grants;

/// <summary>What the ledger knows of one charger, for the dashboard and tests.</summary>
public sealed record LedgerView(
    ChargerId Charger,
    double GrantedAmps,
    LimitReason Reason,
    double ExposureAmps,
    DateTimeOffset? LastReportAt,
    bool Silent);

/// <summary>
/// The allocator's grant book: a pure state machine that turns reports into lease-bearing
/// grants and keeps the site's invariants 1-3 (docs/site.md, "Invariants").
/// <list type="bullet">
/// <item>Exposure: for each charger the ledger keeps the current it may be drawing: the highest
/// grant it may still be using (an older, higher grant counts until the charger reported
/// applying a later one and the vehicle's 5 s window passed, or its metered current was already
/// under it while the older grant had been out long enough for the vehicle to take it up;
/// any grant counts until its lease plus that window ran out), never less than its
/// fail-safe current. An increase is granted only where the exposures of everyone under every
/// limit leave room for it, so decreases always come first.</item>
/// <item>Leases: a grant's lease runs from the anchoring report, which the charger sent before
/// the ledger received it: the charger's lease always ends first. A silent charger's exposure
/// ends only after its lease and the vehicle window.</item>
/// <item>Restart: a new ledger knows nothing. Until every charger has reported, or every lease
/// the old allocator could have given is over (start + lease + window), it counts unheard
/// chargers at their full rating and grants nothing new: only renewals and decreases.</item>
/// </list>
/// Not thread-safe; one actor owns it.
/// </summary>
public sealed partial class GrantLedger
{
    const double Minimum = SiteTopology.MinimumChargingAmps;
    const double Eps = 0.005;

    /// <summary>The pilot offers a grant rounded down to a step of its duty cycle (0.06 A; 0.25 A above 51 A).</summary>
    const double PilotStepAmps = 0.25;

    Allocator allocator;
    SiteLimits limits;
    Entry[] entries;
    readonly DateTimeOffset startedAt;
    int unheard;
    long nextSeq = 1;

    /// <param name="removed">Chargers taken out of the topology before this ledger started: their units may
    /// still draw an older allocator's grant, or their fail-safe current (see <see cref="ChangeTopology"/>).</param>
    public GrantLedger(SiteTopology topology, long epoch, DateTimeOffset startedAt,
        LeasePolicy? lease = null, AllocationPolicy? allocation = null, IEnumerable<ChargerPlacement>? removed = null)
    {
        if (epoch <= 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "an allocator epoch is positive (0 marks fail-safe grants)");
        Lease = (lease ?? LeasePolicy.Default).Validate();
        allocator = new Allocator(topology, allocation);
        limits = allocator.Limits;
        Epoch = epoch;
        this.startedAt = startedAt;
        entries = [.. topology.Chargers.Select((p, i) => new Entry(i, p))];
        unheard = entries.Length;
        foreach (var placement in removed ?? [])
            ghosts.Add(new Ghost(placement, PathOf(topology, placement.CircuitId),
                [new Held(0, placement.RatingAmps, startedAt + Lease.LeaseDuration, null, startedAt)]));
    }

    public long Epoch { get; }
    public LeasePolicy Lease { get; }
    public SiteLimits Limits => limits;
    public DateTimeOffset StartedAt => startedAt;

    /// <summary>When every lease an earlier allocator could have given is over, with its vehicle window.</summary>
    public DateTimeOffset OldLeasesOverAt => startedAt + Lease.LeaseDuration + Lease.VehicleResponseWindow;

    /// <summary>True while the ledger waits for reports after a (re)start and grants nothing new.</summary>
    public bool IsRebuilding(DateTimeOffset now) => unheard > 0 && now < OldLeasesOverAt;

    public bool Knows(ChargerId charger) => limits.Index.ContainsKey(charger);

    IReadOnlyDictionary<ChargerId, RuleCap> ruleCaps = new Dictionary<ChargerId, RuleCap>();

    /// <summary>
    /// The caps of the site's rules (departure plan, timers, budgets) for the quarter hour now
    /// beginning; they count from the next round on. A charger left out has none.
    /// </summary>
    public void SetRuleCaps(IReadOnlyDictionary<ChargerId, RuleCap> caps) => ruleCaps = caps;

    /// <summary>
    /// Takes a charger's report and answers with its lease renewal (same amps, or less when its
    /// old grants ran out). Increases wait for <see cref="Reallocate"/>. A stale or unknown report
    /// gets no answer.
    /// </summary>
    public IReadOnlyList<CurrentGrant> OnReport(ChargerReport report, DateTimeOffset now)
    {
        if (!limits.Index.TryGetValue(report.Charger, out var k)) return [];
        var e = entries[k];
        if (e.Last is { } last && last.MemberIncarnation == report.MemberIncarnation && report.ReportSeq <= last.ReportSeq)
            return [];

        var fresh = e.Last is null || e.Last.MemberIncarnation != report.MemberIncarnation;
        if (fresh)
        {
            // A new ledger, or a restarted site member: adopt what the charger says it may be
            // drawing, for as long as its own lease says (its clock runs out first).
            e.Held.Add(new Held(0, Math.Max(report.MayDrawAmps, report.OfferedAmps), now + report.LeaseRemaining, null, now));
            if (!e.Heard)
            {
                e.Heard = true;
                unheard--;
                var offered = report.OnFailSafe ? 0 : report.OfferedAmps;
                e.CurrentAmps = offered >= Minimum - Eps ? offered : 0;
                e.StateSince = null;
                e.LastChangeAt = now;
            }
        }
        Settle(e, report, now);
        e.Last = report;
        e.LastAt = now;
        // As in a round: a vehicle that stops asking (or leaves) ends a pause the allocator made, so a
        // vehicle that takes its place within one round does not sit out the rest of that pause.
        if (!report.WantsCurrent && e.CurrentAmps < Minimum - Eps) e.StateSince = null;

        // Renew at the current amps, but never above what the charger may already draw.
        var exposure = Exposure(e, now);
        var amps = Math.Min(e.CurrentAmps, exposure);
        if (amps < Minimum - Eps) amps = 0;
        if (amps < e.CurrentAmps - Eps) Change(e, amps, new LimitReason(LimitKind.WaitingForDecrease), now);
        return [Issue(e, amps, now)];
    }

    /// <summary>
    /// One allocation round: computes the fair shares, sends decreases at once and increases
    /// only as far as every limit has room after counting everyone's exposure.
    /// </summary>
    public IReadOnlyList<CurrentGrant> Reallocate(DateTimeOffset now)
    {
        var rebuilding = IsRebuilding(now);
        var exposure = new double[entries.Length];
        var demands = new ChargerDemand[entries.Length];
        for (var k = 0; k < entries.Length; k++)
        {
            var e = entries[k];
            exposure[k] = Exposure(e, now);
            demands[k] = Demand(e, exposure[k], now);
        }
        var reserved = GhostAmps(now);
        var allocation = allocator.Allocate(demands, now, reserved);
        foreach (var e in entries) e.DrawCap = allocation.Grants[e.Index].DrawCapAmps;

        var totals = (double[])reserved.Clone();
        foreach (var limit in limits.Limits)
            foreach (var k in limit.ChargerIndexes)
                totals[limit.Index] += exposure[k];

        var grants = new List<CurrentGrant>();
        // Decreases first: they free nothing yet (exposure stays until they settle).
        foreach (var e in entries)
        {
            var target = allocation.Grants[e.Index];
            if (target.Amps < e.CurrentAmps - Eps && e.Last is not null)
            {
                Change(e, target.Amps, target.Reason, now);
                grants.Add(Issue(e, e.CurrentAmps, now));
            }
            else if (target.Amps <= e.CurrentAmps + Eps)
            {
                e.Reason = target.Reason;
            }
            // A charger whose vehicle does not ask is not paused: the next vehicle starts afresh,
            // with no minimum pause to sit out (that is for pauses the allocator made).
            if (!demands[e.Index].WantsCurrent && e.CurrentAmps < Minimum - Eps) e.StateSince = null;
        }

        var wantMore = entries
            .Where(e => allocation.Grants[e.Index].Amps > e.CurrentAmps + Eps && e.Last is not null && !IsSilent(e, now))
            .OrderBy(e => e.CurrentAmps).ThenBy(e => e.Index);
        foreach (var e in wantMore)
        {
            var target = allocation.Grants[e.Index];
            if (rebuilding)
            {
                e.Reason = new LimitReason(LimitKind.WaitingForReports);
                continue;
            }
            var room = double.PositiveInfinity;
            foreach (var c in limits.LimitsOf(e.Index))
                room = Math.Min(room, limits.Limits[c].LimitAmps - totals[c] + exposure[e.Index]);
            var amps = Math.Min(target.Amps, Math.Floor(room * 100 + 1e-7) / 100);
            if (amps < Minimum - Eps || amps <= e.CurrentAmps + Eps)
            {
                e.Reason = new LimitReason(LimitKind.WaitingForDecrease);
                continue;
            }
            Change(e, amps, amps < target.Amps - Eps ? new LimitReason(LimitKind.WaitingForDecrease) : target.Reason, now);
            grants.Add(Issue(e, amps, now));
            var raised = Math.Max(exposure[e.Index], amps);
            foreach (var c in limits.LimitsOf(e.Index)) totals[c] += raised - exposure[e.Index];
            exposure[e.Index] = raised;
        }
        return grants;
    }

    /// <summary>The current the ledger assumes charger <paramref name="charger"/> may be drawing now.</summary>
    public double ExposureOf(ChargerId charger, DateTimeOffset now) => Exposure(entries[limits.Index[charger]], now);

    public IReadOnlyList<LedgerView> Snapshot(DateTimeOffset now) =>
        [.. entries.Select(e => new LedgerView(e.Placement.Id, e.CurrentAmps, e.Reason, Exposure(e, now), e.Last is null ? null : e.LastAt, IsSilent(e, now)))];

    bool IsSilent(Entry e, DateTimeOffset now) => e.Last is null || now - e.LastAt > Lease.SilentAfter;

    ChargerDemand Demand(Entry e, double exposure, DateTimeOffset now)
    {
        var silent = IsSilent(e, now);
        var report = e.Last;
        // The draw says something about the vehicle only once it had time to follow the last change,
        // and only about the grant when the pilot offers it (not while it holds a lower offer for a
        // step still on its way, or derates for temperature).
        var settled = report is not null && e.LastAt - e.LastChangeAt >= Lease.VehicleResponseWindow + Lease.ReportInterval
            && report.OfferedAmps <= e.CurrentAmps + Eps && report.OfferedAmps >= e.CurrentAmps - PilotStepAmps;
        return new ChargerDemand(e.Placement.Id)
        {
            WantsCurrent = !silent && report!.WantsCurrent,
            UserMaxAmps = report?.UserMaxAmps,
            OcppLimitAmps = report?.OcppLimitAmps,
            VehicleDrawAmps = settled ? report!.DrawnAmps.Max : null,
            DrawCapAmps = e.DrawCap,
            RuleCap = ruleCaps.TryGetValue(e.Placement.Id, out var rule) ? rule : null,
            LastGrantAmps = e.CurrentAmps,
            StateSince = e.StateSince,
            PriorityClass = report?.PriorityClass ?? 0,
            Departure = report?.Departure,
            SessionEnergyWh = report?.SessionEnergyWh ?? 0,
            UncontrolledAmps = Uncontrolled(e, exposure, silent),
        };
    }

    /// <summary>
    /// What a charger that gets no running grant keeps on its circuits in the allocator's sums. A
    /// silent charger, or a vehicle read above a lower grant, may draw its exposure until the lease
    /// ends: that is held. A decrease that is only settling (seconds, until a report shows it applied)
    /// and an unheard charger's worst case are not: they block increases (room is checked against
    /// exposure) but must not pause chargers that run safely; a pause they caused would outlast
    /// them by the allocator's minimum pause (a planned site lost two minutes of a charger's slot at
    /// every quarter hour another charger's plan went to 0).
    /// </summary>
    double Uncontrolled(Entry e, double exposure, bool silent)
    {
        var failSafe = limits.FailSafeAmps[e.Index];
        if (!e.Heard) return failSafe;
        if (silent) return exposure;
        return e.Held.Where(h => h.ReadAboveLower).Select(h => h.Amps).Append(failSafe).Max();
    }

    /// <summary>
    /// The next time after <paramref name="now"/> at which a held grant stops counting (its
    /// decrease settled, or its lease and the vehicle's window over): amps may move then, so a
    /// round is worth running. Null when nothing is held above what is granted.
    /// </summary>
    public DateTimeOffset? NextRelease(DateTimeOffset now)
    {
        DateTimeOffset? next = GhostRelease(now);
        foreach (var e in entries)
            foreach (var h in e.Held.Where(h => h.Amps > e.CurrentAmps + Eps))
            {
                var ends = h.CountsUntil(Lease.VehicleResponseWindow);
                if (ends > now && (next is null || ends < next)) next = ends;
            }
        return next;
    }

    double Exposure(Entry e, DateTimeOffset now)
    {
        var amps = limits.FailSafeAmps[e.Index];
        if (!e.Heard && now < OldLeasesOverAt) amps = Math.Max(amps, limits.RatingAmps[e.Index]);
        e.Held.RemoveAll(h => now >= h.CountsUntil(Lease.VehicleResponseWindow));
        foreach (var h in e.Held) amps = Math.Max(amps, h.Amps);
        return amps;
    }

    // A report that shows a later grant applied ends the exposure of the earlier ones after the
    // vehicle's window. It ends it at once only where the meter shows the vehicle following the
    // lower grant down: one report read it above the applied grant (by more than the meter's
    // tolerance) and a later one at or under it. A reading under the lower grant alone proves
    // nothing: a vehicle drawing less by itself may wake and ramp to the higher offer it saw, with
    // its own delay, after the pilot lowered it (the fault simulation put a line at 38.3 A of its
    // 36.8 A that way: 0 A read under a new 6 A, then 10 A; and before, a vehicle that had not
    // yet ramped to a fresh 30 A did the same, 56 A on a 48 A feeder), and a reading a little over
    // it is a vehicle that has not followed yet (12.66 A on a new 12.6 A put a line at 29.64 A of
    // 29.6 A). It also ends at once where the charger says its pilot offered nothing above the
    // applied grant within the vehicle's window (a decrease its duty step cannot express).
    // Either way only for a grant out long enough (pacing + window + one report) to be taken up.
    void Settle(Entry e, ChargerReport report, DateTimeOffset now)
    {
        if (report.AppliedGrantEpoch != Epoch || report.AppliedGrantSeq <= 0) return;
        var applied = e.Held.FirstOrDefault(h => h.Seq == report.AppliedGrantSeq)?.Amps ?? report.OfferedAmps;
        var drawn = report.DrawnAmps.Max;
        var above = drawn > applied + Lease.MeterToleranceAmps;
        var under = drawn <= applied + 1e-9;
        var nothingHigherOffered = report.MayDrawAmps <= applied + Eps;
        var takenUpAfter = Lease.OfferPacing + Lease.VehicleResponseWindow + Lease.ReportInterval;
        for (var i = 0; i < e.Held.Count; i++)
        {
            var h = e.Held[i];
            if (h.Seq >= report.AppliedGrantSeq) continue;
            var followed = under && (nothingHigherOffered || h.ReadAboveLower) && now - h.IssuedAt >= takenUpAfter;
            var at = followed ? now : now + Lease.VehicleResponseWindow;
            if (h.SettledAt is null || at < h.SettledAt) h = h with { SettledAt = at };
            if (above) h = h with { ReadAboveLower = true };
            e.Held[i] = h;
        }
    }

    void Change(Entry e, double amps, LimitReason reason, DateTimeOffset now)
    {
        var wasRunning = e.CurrentAmps >= Minimum - Eps;
        var running = amps >= Minimum - Eps;
        if (wasRunning != running) e.StateSince = now;
        if (Math.Abs(amps - e.CurrentAmps) > Eps) e.LastChangeAt = now;
        e.CurrentAmps = amps;
        e.Reason = reason;
    }

    CurrentGrant Issue(Entry e, double amps, DateTimeOffset now)
    {
        var report = e.Last ?? throw new InvalidOperationException("a grant needs a report to anchor its lease");
        var leaseEnd = e.LastAt + Lease.LeaseDuration;
        var seq = nextSeq++;
        // A newer grant with at least these amps and as long a lease makes older ones redundant.
        // A renewal at the same amps keeps the time those amps first went out: the vehicle has had
        // since then to take them up.
        var issuedAt = e.Held.Where(h => Math.Abs(h.Amps - amps) <= Eps && h.SettledAt is null && h.Seq > 0)
            .Select(h => h.IssuedAt).DefaultIfEmpty(now).Min();
        e.Held.RemoveAll(h => h.Amps <= amps && h.LeaseEnd <= leaseEnd && h.SettledAt is null);
        e.Held.Add(new Held(seq, amps, leaseEnd, null, issuedAt));
        return new CurrentGrant(e.Placement.Id, Epoch, seq, amps, report.MemberIncarnation, report.ReportSeq,
            Lease.LeaseDuration, leaseEnd, e.Reason);
    }

    /// <param name="ReadAboveLower">A report read the vehicle above a lower grant applied after this one: it was still drawing more.</param>
    sealed record Held(long Seq, double Amps, DateTimeOffset LeaseEnd, DateTimeOffset? SettledAt, DateTimeOffset IssuedAt, bool ReadAboveLower = false)
    {
        /// <summary>Until when these amps count as possibly drawn: its settling, or its lease plus the vehicle's window.</summary>
        public DateTimeOffset CountsUntil(TimeSpan window) =>
            SettledAt is { } settled && settled < LeaseEnd + window ? settled : LeaseEnd + window;
    }

    sealed class Entry(int index, ChargerPlacement placement)
    {
        /// <summary>The same charger's book under a changed topology (its number may differ).</summary>
        public Entry MovedTo(int newIndex, ChargerPlacement newPlacement)
        {
            var moved = new Entry(newIndex, newPlacement)
            {
                Heard = Heard, Last = Last, LastAt = LastAt, CurrentAmps = CurrentAmps, Reason = Reason,
                StateSince = StateSince, LastChangeAt = LastChangeAt, DrawCap = DrawCap,
            };
            moved.Held.AddRange(Held);
            return moved;
        }

        public int Index { get; } = index;
        public ChargerPlacement Placement { get; } = placement;
        public bool Heard { get; set; }
        public ChargerReport? Last { get; set; }
        public DateTimeOffset LastAt { get; set; }
        public List<Held> Held { get; } = [];
        public double CurrentAmps { get; set; }
        public LimitReason Reason { get; set; } = new(LimitKind.NotCharging);
        public DateTimeOffset? StateSince { get; set; }
        public DateTimeOffset LastChangeAt { get; set; }

        /// <summary>The draw cap the last round left in force, for the next round's demand.</summary>
        public double? DrawCap { get; set; }
    }
}
