using SmartElek.Charger.J1772;
using SmartElek.Site;
using SmartElek.Site.Allocation;
using SmartElek.Site.Commissioning;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;
using static SmartElek.Site.SiteProtocol;

namespace SmartElek.Charger.Tests.Site;

/// <summary>
/// The whole site on virtual time, without Akka, in 100 ms steps: a ledger (the allocator) run
/// as the <c>SiteAllocator</c> actor runs it, one lease holder per charger reporting as the
/// <c>SiteMember</c> does, pilots as the charger unit drives them, and vehicles that follow an
/// offer with a lag. Tests drive the vehicles; with <c>faults</c> the allocator crashes now and
/// then (state lost), links are cut and reports lost.
/// <list type="bullet">
/// <item>Allocator: a round every second, a round at once after a report that lets it act (a
/// vehicle asks or leaves, a new offer applied, a decrease followed or ended, a vehicle that
/// comes to take all of its offer), and a round when a held decrease stops counting
/// (<see cref="GrantLedger.NextRelease"/>).</item>
/// <item>Member: a report every report interval (with jitter) and at once per <see cref="ReportTiming"/>.</item>
/// <item>Pilot: offers the grant rounded down to its duty step, 0 A under 6 A; a decrease at
/// once, an increase at most once per 5 s; a running offer waits for the last step of a grant
/// that says <see cref="LimitKind.WaitingForDecrease"/>; a grant counts as applied once the offer
/// is at or under it.</item>
/// <item>Vehicle: draws min(offer, what it takes) and follows a higher offer within 0-3 s, a lower
/// one within 0-5 s.</item>
/// <item>Network: 1-300 ms per message, in order per link.</item>
/// <item>Commissioning (<see cref="ChangeTopology"/>): chargers placed (their unit starts as a new site
/// member starts it, at 0 A until its first grant), removed (the unit stays powered where it hangs,
/// on its lease, until its node hears of the removal and stops its member with a 0 A offer; the
/// allocator also sends it a last grant of 0 A) and circuits re-rated, as the allocator takes a
/// new topology version.</item>
/// </list>
/// </summary>
public sealed class SiteSimulation
{
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    public static readonly DateTimeOffset T0 = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);

    public sealed class Vehicle
    {
        public bool Connected;
        /// <summary>What the vehicle takes when offered more.</summary>
        public double MaxAmps;
        /// <summary>What it draws now (after its lag).</summary>
        public double Actual;
        public readonly List<(DateTimeOffset At, double Amps)> Changes = [];
    }

    public sealed class Unit(int index, ChargerPlacement placement, LeaseHolder holder)
    {
        public int Index { get; } = index;
        public ChargerPlacement Placement { get; set; } = placement;
        /// <summary>Taken out of the topology; its unit still draws where it hangs.</summary>
        public bool Removed;
        /// <summary>Its node stopped its site member (after a removal): no reports, no fall-back; it keeps its last offer.</summary>
        public bool MemberStopped;
        /// <summary>The circuits its current flows through (they are never taken out).</summary>
        public HashSet<string> Path = [];
        public LeaseHolder Holder { get; set; } = holder;
        public CurrentGrant? Grant;
        public double Offer;
        public long AppliedEpoch, AppliedSeq;
        public DateTimeOffset LastOfferChange = DateTimeOffset.MinValue;
        public DateTimeOffset NextReportAt;
        public DateTimeOffset LinkUpAt = DateTimeOffset.MinValue;
        public SiteChargerStatus? LastStatus;
        public readonly Vehicle Vehicle = new();
        public double EnergyAmpSeconds;
        /// <summary>The user's maximum the charger reports (a departure plan's cap for the slot); null: none.</summary>
        public double? UserMaxAmps;
        /// <summary>Every change of the pilot's offer.</summary>
        public readonly List<(DateTimeOffset At, double Amps)> OfferChanges = [];
    }

    sealed record Message(DateTimeOffset At, int Unit, object Body, bool ToAllocator);

    /// <summary>The unit's node heard of its removal: it stops the unit's member and offers 0 A.</summary>
    sealed record MemberStop;

    readonly Random random;
    readonly bool faults;
    readonly bool crashes;
    readonly List<Unit> units;
    readonly Dictionary<ChargerId, int> active = [];
    readonly List<ChargerPlacement> removed = [];
    // Every (circuit, line) with the units whose current flows through it; and limits that were
    // lowered, in force until the allocator had time to bring the grants under the new one.
    List<(string Circuit, Line Line, int[] Units)> physical = [];
    readonly List<(string Circuit, Line Line, double Amps, DateTimeOffset? TakenAt, TimeSpan Grace)> lowered = [];
    readonly List<Message> network = [];
    readonly Dictionary<int, (bool, double, bool, bool)> lastSeen = [];
    readonly Dictionary<int, double> lastGranted = [];
    long epoch = 1;
    DateTimeOffset allocatorUpAt;
    DateTimeOffset nextRound;
    DateTimeOffset? releaseRoundAt;
    bool roundNow;

    /// <param name="crashes">Allocator crashes (state lost) without the other faults; <paramref name="faults"/> includes them.</param>
    public SiteSimulation(SiteTopology site, Random random, bool faults, LeasePolicy? lease = null, AllocationPolicy? allocation = null, bool crashes = false)
    {
        Site = site;
        this.random = random;
        this.faults = faults;
        this.crashes = crashes || faults;
        Lease = lease ?? LeasePolicy.Default;
        Allocation = allocation ?? AllocationPolicy.Default;
        Limits = new SiteLimits(site);
        units = [.. site.Chargers.Select((p, i) => new Unit(i, p, new LeaseHolder(p.Id, p.FailSafeAmps, Lease)) { Path = PathOf(site, p) })];
        foreach (var u in units) active[u.Placement.Id] = u.Index;
        physical = Physical(site);
        Now = T0;
        Ledger = new GrantLedger(site, epoch, T0, Lease, Allocation);
        allocatorUpAt = T0;
        nextRound = T0;
        foreach (var u in Units)
        {
            Apply(u, u.Holder.Start(Now));
            u.NextReportAt = Now + TimeSpan.FromMilliseconds(random.Next(0, 5000));
        }
    }

    public SiteTopology Site { get; private set; }

    /// <summary>The limits of the topology the run started with (numbered as <see cref="Units"/> until the first change).</summary>
    public SiteLimits Limits { get; }
    public LeasePolicy Lease { get; }
    public AllocationPolicy Allocation { get; }
    /// <summary>Every unit so far, removed ones included, in the order they were placed.</summary>
    public IReadOnlyList<Unit> Units => units;
    public GrantLedger? Ledger { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public int Crashes { get; private set; }
    public int Cuts { get; private set; }
    public int FailSafes { get; private set; }

    /// <summary>Plugs a vehicle in (or takes it away) at charger <paramref name="unit"/>.</summary>
    public void Connect(int unit, bool connected, double maxAmps)
    {
        var u = Units[unit];
        var v = u.Vehicle;
        v.Connected = connected;
        v.MaxAmps = maxAmps;
        if (!connected)
        {
            v.Actual = 0; // unplugged: no current at once
            v.Changes.Clear();
        }
        else
        {
            Follow(u);
        }
    }

    /// <summary>The vehicle at charger <paramref name="unit"/> comes to take <paramref name="maxAmps"/> (it tapers, or asks for more).</summary>
    public void Demand(int unit, double maxAmps)
    {
        Units[unit].Vehicle.MaxAmps = maxAmps;
        Follow(Units[unit]);
    }

    /// <summary>One 100 ms step. Returns the first limit the vehicles' actual currents exceed, if any (invariant 1).</summary>
    public LineLimit? Advance()
    {
        Now += Step;
        if (crashes && Ledger is not null && random.NextDouble() < 1.0 / 6000)
        {
            Ledger = null;
            Crashes++;
            allocatorUpAt = Now + TimeSpan.FromSeconds(random.Next(3, 50));
        }
        if (Ledger is null && Now >= allocatorUpAt)
        {
            Ledger = new GrantLedger(Site, ++epoch, Now, Lease, Allocation, removed);
            Taken(fresh: true);
            lastSeen.Clear();
            lastGranted.Clear();
            releaseRoundAt = null;
        }

        Deliver();
        Round();

        foreach (var u in Units)
        {
            var v = u.Vehicle;
            if (faults && random.NextDouble() < 1.0 / 3000)
            {
                u.LinkUpAt = Now + TimeSpan.FromSeconds(random.Next(5, 150));
                Cuts++;
            }
            if (!u.MemberStopped && u.Holder.OnTick(Now) is { } failSafe)
            {
                u.Grant = failSafe;
                FailSafes++;
            }
            Pilot(u);
            foreach (var change in v.Changes.Where(c => c.At <= Now).ToList())
            {
                v.Actual = change.Amps;
                v.Changes.Remove(change);
            }
            if (!u.MemberStopped) Member(u);
            u.EnergyAmpSeconds += v.Actual * Step.TotalSeconds;
        }
        return Over();
    }

    /// <summary>
    /// The allocator takes a new topology version: units of newly placed chargers start (at 0 A until
    /// their first grant, as a new site member starts them), removed ones stay where they hang,
    /// unheard, and the ledger changes at once and runs a round.
    /// </summary>
    public void ChangeTopology(SiteTopologyState state)
    {
        var next = state.Topology;
        foreach (var circuit in next.CircuitsInOrder)
            foreach (var line in next.Lines)
            {
                var before = Site.Circuits.TryGetValue(circuit.Id, out var was) ? was.LimitOn(line) : double.PositiveInfinity;
                if (circuit.LimitOn(line) < before - 1e-9)
                    lowered.Add((circuit.Id, line, before, null, Lease.ReportInterval + Lease.VehicleResponseWindow + TimeSpan.FromSeconds(2)));
            }
        var gone = units.Where(u => !u.Removed && !next.ChargerById.ContainsKey(u.Placement.Id)).ToDictionary(u => u.Placement.Id);
        foreach (var u in gone.Values)
        {
            u.Removed = true;
            active.Remove(u.Placement.Id);
            // Its node hears the new version over the network too, whether the allocator runs or not.
            Send(u.Index, new MemberStop(), toAllocator: false);
        }
        removed.Clear();
        removed.AddRange(state.Removed.Select(r => r.Placement));
        foreach (var placement in next.Chargers)
        {
            if (active.TryGetValue(placement.Id, out var k))
            {
                units[k].Placement = placement;
                continue;
            }
            var u = new Unit(units.Count, placement, new LeaseHolder(placement.Id, placement.FailSafeAmps, Lease)) { Path = PathOf(next, placement) };
            units.Add(u);
            active[placement.Id] = u.Index;
            Apply(u, u.Holder.StartUnreserved(Now));
            u.NextReportAt = Now + TimeSpan.FromMilliseconds(random.Next(0, 5000));
        }
        Site = next;
        physical = Physical(next);
        if (Ledger is null) return;
        var rebuilding = Ledger.IsRebuilding(Now);
        // The allocator's last word to a removed charger (0 A) reaches it where its link is up.
        foreach (var g in Ledger.ChangeTopology(next, Now)) Send(gone[g.Charger].Index, g, toAllocator: false);
        Taken(fresh: rebuilding);
        roundNow = true;
    }

    // The allocator has the lowered limits now: a running one brings the grants down in one round
    // (the vehicles follow within their window); a fresh one first hears every charger's report.
    void Taken(bool fresh)
    {
        for (var i = 0; i < lowered.Count; i++)
            if (lowered[i].TakenAt is null)
                lowered[i] = lowered[i] with { TakenAt = Now, Grace = fresh ? lowered[i].Grace : Lease.VehicleResponseWindow + TimeSpan.FromSeconds(1) };
        lowered.RemoveAll(l => l.TakenAt is { } at && Now > at + l.Grace);
    }

    static HashSet<string> PathOf(SiteTopology site, ChargerPlacement placement) => [.. site.PathToFeeder(placement.Id).Select(c => c.Id)];

    List<(string, Line, int[])> Physical(SiteTopology site) =>
        [.. site.CircuitsInOrder.SelectMany(c => site.Lines.Select(line =>
            (c.Id, line, units.Where(u => u.Path.Contains(c.Id) && u.Placement.Lines.Contains(line)).Select(u => u.Index).ToArray())))];

    // Invariant 1 from the vehicles' actual currents, against each line's limit: a lowered one
    // counts from when the allocator could have brought the grants under it.
    LineLimit? Over()
    {
        foreach (var (circuit, line, members) in physical)
        {
            var sum = 0.0;
            foreach (var k in members) sum += units[k].Vehicle.Actual;
            var limit = Site.Circuits[circuit].LimitOn(line);
            if (sum <= limit + 1e-6) continue;
            foreach (var l in lowered)
                if (l.Circuit == circuit && l.Line == line && (l.TakenAt is null || Now <= l.TakenAt + l.Grace)) limit = Math.Max(limit, l.Amps);
            if (sum > limit + 1e-6) return new LineLimit(-1, circuit, line, limit, members);
        }
        return null;
    }

    void Deliver()
    {
        // Messages: in order per link, late ones dropped when the link or the allocator is down.
        network.Sort((a, b) => a.At.CompareTo(b.At));
        var due = network.TakeWhile(m => m.At <= Now).ToList();
        network.RemoveRange(0, due.Count);
        foreach (var m in due)
        {
            var u = Units[m.Unit];
            if (Now < u.LinkUpAt) continue;
            if (m.ToAllocator)
            {
                var report = (ChargerReport)m.Body;
                if (Ledger is null || !Ledger.Knows(report.Charger)) continue;
                var exposureBefore = Ledger.ExposureOf(report.Charger, Now);
                foreach (var g in Ledger.OnReport(report, Now))
                {
                    Send(m.Unit, g, toAllocator: false);
                    lastGranted[m.Unit] = g.Amps;
                }
                // As SiteAllocator.OnReport: a report that lets the allocator act runs a round now.
                var seen = (report.WantsCurrent, Math.Round(report.OfferedAmps, 1),
                    report.DrawnAmps.Max <= report.OfferedAmps + Lease.MeterToleranceAmps,
                    report.DrawnAmps.Max >= report.OfferedAmps - Allocation.AsksForMoreWithinAmps);
                if (!lastSeen.TryGetValue(m.Unit, out var before) || before != seen) roundNow = true;
                lastSeen[m.Unit] = seen;
                if (Ledger.ExposureOf(report.Charger, Now) < exposureBefore) roundNow = true;
            }
            else if (m.Body is MemberStop)
            {
                u.MemberStopped = true;
                u.Grant = new CurrentGrant(u.Placement.Id, 0, 0, 0, u.Holder.Incarnation, 0, TimeSpan.Zero, Now, new LimitReason(LimitKind.Removed));
            }
            else if (u.MemberStopped)
            {
                continue;
            }
            else if (u.Holder.OnGrant((CurrentGrant)m.Body, Now) is { } accepted)
            {
                u.Grant = accepted;
            }
        }
    }

    void Round()
    {
        if (Ledger is null) return;
        var periodic = Now >= nextRound;
        var release = releaseRoundAt is { } at && Now >= at;
        if (!periodic && !release && !roundNow) return;
        if (periodic) nextRound = Now + TimeSpan.FromSeconds(1);
        roundNow = false;
        var decreased = false;
        foreach (var g in Ledger.Reallocate(Now))
        {
            var k = active[g.Charger];
            Send(k, g, toAllocator: false);
            decreased |= lastGranted.TryGetValue(k, out var before) && g.Amps < before;
            lastGranted[k] = g.Amps;
        }
        // As SiteAllocator.ScheduleNextRelease: look again when the next held decrease stops counting.
        if (decreased || releaseRoundAt is not null)
            releaseRoundAt = Ledger.NextRelease(Now) is { } next ? next + TimeSpan.FromMilliseconds(50) : null;
    }

    void Pilot(Unit u)
    {
        var target = u.Grant is { } g ? PilotOffer.RoundDown(g.Amps) : 0;
        if (u.Grant is { LimitReason.Kind: LimitKind.WaitingForDecrease } && u.Offer > 0) target = Math.Min(target, u.Offer);
        if (target < u.Offer || (target > u.Offer && Now - u.LastOfferChange >= Lease.OfferPacing))
        {
            u.Offer = target;
            u.LastOfferChange = Now;
            u.OfferChanges.Add((Now, target));
            Follow(u);
        }
        if (u.Grant is { } applied && u.Offer <= applied.Amps + 1e-9)
            (u.AppliedEpoch, u.AppliedSeq) = (applied.AllocatorEpoch, applied.GrantSeq);
    }

    void Member(Unit u)
    {
        var v = u.Vehicle;
        var status = new SiteChargerStatus(v.Connected, v.Connected ? (v.Actual > 0 ? "C" : "B") : "A",
            new LineCurrents(v.Actual, v.Actual), u.Offer, u.AppliedEpoch, u.AppliedSeq) { UserMaxAmps = u.UserMaxAmps };
        var atOnce = status != u.LastStatus
            && ReportTiming.ReportsAtOnce(u.LastStatus, status, Lease.MeterToleranceAmps, Allocation.AsksForMoreWithinAmps);
        u.LastStatus = status;
        var periodic = Now >= u.NextReportAt;
        if (periodic) u.NextReportAt = Now + Lease.ReportInterval + TimeSpan.FromMilliseconds(random.Next(-300, 300));
        if (!periodic && !atOnce) return;
        var report = u.Holder.NextReport(status, Now);
        if (Now >= u.LinkUpAt && (!faults || random.NextDouble() > 0.02))
            Send(u.Index, report, toAllocator: true);
    }

    void Send(int unit, object body, bool toAllocator)
    {
        // In-order delivery per link: never earlier than the last message queued on it.
        var at = Now + TimeSpan.FromMilliseconds(random.Next(1, 300));
        var last = network.Where(m => m.Unit == unit && m.ToAllocator == toAllocator).Select(m => m.At).DefaultIfEmpty(at).Max();
        network.Add(new Message(at > last ? at : last, unit, body, toAllocator));
    }

    void Apply(Unit u, CurrentGrant grant)
    {
        u.Grant = grant;
        u.Offer = grant.Amps >= SiteTopology.MinimumChargingAmps ? PilotOffer.RoundDown(grant.Amps) : 0;
        (u.AppliedEpoch, u.AppliedSeq) = (grant.AllocatorEpoch, grant.GrantSeq);
    }

    // A vehicle follows a higher offer within 3 s and a lower one within 5 s.
    void Follow(Unit u)
    {
        var v = u.Vehicle;
        if (!v.Connected) return;
        var target = Math.Min(u.Offer, v.MaxAmps);
        var last = v.Changes.Count > 0 ? v.Changes[^1].Amps : v.Actual;
        var delay = target < last ? random.Next(0, 5001) : random.Next(0, 3001);
        var at = Now + TimeSpan.FromMilliseconds(delay);
        // A vehicle follows the offer on the pilot now: an older offer it has not reached yet is
        // never applied after this newer one.
        v.Changes.RemoveAll(c => c.At >= at);
        v.Changes.Add((at, target));
        v.Changes.Sort((a, b) => a.At.CompareTo(b.At));
    }
}
