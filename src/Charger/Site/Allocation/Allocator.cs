using System.Buffers;
using SmartElek.Site.Topology;

namespace SmartElek.Site.Allocation;

/// <summary>
/// Max-min fair water-filling of the site's amps under every nested per-line limit. Pure and
/// deterministic: the same demands at the same instant give the same grants.
/// <para>
/// A round has two steps. Admission: chargers that want current are ranked (priority class,
/// then turn-taking) and admitted while every limit they count against still holds 6 A more;
/// the others are paused, so a shortage pauses some chargers and never all. Filling: the
/// admitted chargers rise together from 6 A; a charger stops at its cap, and all chargers of a
/// limit stop when that limit is full. That is progressive filling, whose result is the
/// max-min fair share. A charger with a departure plan is served its cap first (where every limit
/// keeps 6 A for the others): the plan is what it counted on.
/// </para>
/// <para>
/// A charger's cap is the lowest of its rating, the user's maximum, the OCPP limit and its
/// <see cref="DrawCap"/>. The draw cap has hysteresis, which is state: each round returns it in
/// <see cref="Grant.DrawCapAmps"/> and the caller hands it back in the next round's demand.
/// </para>
/// </summary>
public sealed class Allocator
{
    const double Minimum = SiteTopology.MinimumChargingAmps;
    const double Eps = 1e-9;

    readonly SiteLimits limits;
    readonly AllocationPolicy policy;

    public Allocator(SiteTopology topology, AllocationPolicy? policy = null)
        : this(new SiteLimits(topology), policy)
    {
    }

    public Allocator(SiteLimits limits, AllocationPolicy? policy = null)
    {
        this.limits = limits;
        this.policy = (policy ?? AllocationPolicy.Default).Validate();
    }

    public SiteLimits Limits => limits;
    public AllocationPolicy Policy => policy;

    /// <summary>
    /// Shares the site's amps. Chargers missing from <paramref name="demands"/> want no current.
    /// <paramref name="reservedByLimit"/> (indexed as <see cref="SiteLimits.Limits"/>) are amps drawn on a
    /// limit outside the demands (chargers taken out of the topology whose leases still run).
    /// </summary>
    /// <exception cref="ArgumentException">A demand names a charger that is not in the topology, or one charger twice.</exception>
    public Allocation Allocate(IEnumerable<ChargerDemand> demands, DateTimeOffset now, IReadOnlyList<double>? reservedByLimit = null)
    {
        var n = limits.ChargerIds.Count;
        var byIndex = new ChargerDemand?[n];
        var position = 0;
        foreach (var d in demands)
        {
            // Demands usually come in topology order: skip the dictionary then.
            var k = position < n && limits.ChargerIds[position] == d.Id ? position
                : limits.Index.TryGetValue(d.Id, out var found) ? found
                : throw new ArgumentException($"demand for charger '{d.Id}', which is not in site '{limits.Topology.Name}'");
            position++;
            if (byIndex[k] is not null) throw new ArgumentException($"two demands for charger '{d.Id}'");
            byIndex[k] = d;
        }

        var amps = new double[n];
        // Scratch arrays of 10,000 structs land on the large object heap: rent them.
        var reasons = ArrayPool<LimitReason>.Shared.Rent(n);
        var caps = new double[n];
        var drawCaps = new double?[n];
        var capReasons = ArrayPool<LimitReason>.Shared.Rent(n);
        var lineCount = limits.Limits.Count;
        var capacity = new double[lineCount];
        for (var c = 0; c < lineCount; c++) capacity[c] = limits.Limits[c].LimitAmps - (reservedByLimit?[c] ?? 0);

        // Chargers not asking hold only what they cannot give back now.
        var candidates = new List<int>();
        var inMinimumPause = new List<int>();
        for (var k = 0; k < n; k++)
        {
            var d = byIndex[k];
            if (d is null || !d.WantsCurrent)
            {
                reasons[k] = new LimitReason(LimitKind.NotCharging);
                Hold(k, d?.UncontrolledAmps ?? 0, capacity);
                continue;
            }
            drawCaps[k] = DrawCap.Next(d, policy);
            (caps[k], capReasons[k]) = Cap(k, d, drawCaps[k]);
            if (caps[k] < Minimum - Eps)
            {
                reasons[k] = capReasons[k];
                Hold(k, d.UncontrolledAmps, capacity);
                continue;
            }
            if (d.LastGrantAmps < Minimum - Eps && d.StateSince is { } since && now - since < policy.MinimumPause)
                inMinimumPause.Add(k);
            else
                candidates.Add(k);
        }

        SortByTurn(candidates, byIndex, now);
        var admitted = new List<int>(candidates.Count);
        var need = new double[lineCount];
        Admit(candidates, admitted, need, capacity, reasons, LimitKind.Shortage);
        if (admitted.Count == 0 && inMinimumPause.Count > 0)
        {
            // Nobody else can run: a minimum pause must not leave the site idle.
            SortByTurn(inMinimumPause, byIndex, now);
            Admit(inMinimumPause, admitted, need, capacity, reasons, LimitKind.Shortage);
        }
        else
        {
            foreach (var k in inMinimumPause) reasons[k] = new LimitReason(LimitKind.MinimumPause);
        }

        Fill(admitted, caps, capReasons, capacity, amps, reasons, byIndex);

        var grants = new Grant[n];
        for (var k = 0; k < n; k++) grants[k] = new Grant(limits.ChargerIds[k], amps[k], reasons[k], drawCaps[k]);
        ArrayPool<LimitReason>.Shared.Return(reasons);
        ArrayPool<LimitReason>.Shared.Return(capReasons);
        return new Allocation(grants, IndexMap());
    }

    Dictionary<ChargerId, int>? indexMap;

    Dictionary<ChargerId, int> IndexMap() => indexMap ??= limits.Index.ToDictionary();

    void Hold(int k, double uncontrolled, double[] capacity)
    {
        if (uncontrolled <= 0) return;
        foreach (var c in limits.LimitsOf(k)) capacity[c] -= uncontrolled;
    }

    (double Cap, LimitReason Reason) Cap(int k, ChargerDemand d, double? drawCap)
    {
        var cap = limits.RatingAmps[k];
        var reason = new LimitReason(LimitKind.ChargerRating);
        if (d.UserMaxAmps is { } user && user < cap) (cap, reason) = (Math.Max(0, user), new LimitReason(LimitKind.UserMax));
        if (d.OcppLimitAmps is { } ocpp && ocpp < cap) (cap, reason) = (Math.Max(0, ocpp), new LimitReason(LimitKind.OcppLimit));
        if (d.RuleCap is { } rule && rule.Amps < cap) (cap, reason) = (Math.Max(0, rule.Amps), new LimitReason(rule.Kind, Detail: rule.Why));
        if (drawCap is { } byDraw && byDraw < cap) (cap, reason) = (byDraw, new LimitReason(LimitKind.VehicleDraw));
        return (cap, reason);
    }

    // Lower sorts first = served first. Running chargers inside their turn keep it; then those
    // waiting longest (earlier departure, less energy break ties); chargers whose turn is over
    // come last, longest-running last of all. Keys are computed once per round and sorted by
    // value (a struct key, no comparer calls through an interface).
    readonly struct TurnKey(int priority, int group, long minutes, long departure, double energy, int index) : IComparable<TurnKey>
    {
        readonly int priority = priority;
        readonly int group = group;
        readonly long minutes = minutes;
        readonly long departure = departure;
        readonly double energy = energy;

        public int Index { get; } = index;

        // Ties end in topology order, which does not depend on the order of the demands.
        public int CompareTo(TurnKey other)
        {
            if (priority != other.priority) return other.priority.CompareTo(priority);
            if (group != other.group) return group.CompareTo(other.group);
            if (minutes != other.minutes) return other.minutes.CompareTo(minutes);
            if (departure != other.departure) return departure.CompareTo(other.departure);
            var c = energy.CompareTo(other.energy);
            return c != 0 ? c : Index.CompareTo(other.Index);
        }
    }

    void SortByTurn(List<int> chargers, ChargerDemand?[] demands, DateTimeOffset now)
    {
        var count = chargers.Count;
        var keys = ArrayPool<TurnKey>.Shared.Rent(count);
        for (var i = 0; i < count; i++)
        {
            var k = chargers[i];
            var d = demands[k]!;
            var since = d.StateSince ?? now;
            var waited = (long)Math.Floor((now - since).TotalMinutes);
            var (group, minutes) = d.LastGrantAmps >= Minimum - Eps
                ? now - since < policy.RotationPeriod ? (0, 0L) : (2, -waited)
                : (1, waited);
            keys[i] = new TurnKey(d.PriorityClass, group, minutes, d.Departure?.UtcTicks ?? long.MaxValue, d.SessionEnergyWh, k);
        }
        Array.Sort(keys, 0, count);
        for (var i = 0; i < count; i++) chargers[i] = keys[i].Index;
        ArrayPool<TurnKey>.Shared.Return(keys);
    }

    void Admit(List<int> ordered, List<int> admitted, double[] need, double[] capacity, LimitReason[] reasons, LimitKind refusal)
    {
        foreach (var k in ordered)
        {
            var refusedBy = -1;
            foreach (var c in limits.LimitsOf(k))
            {
                if (need[c] + Minimum > capacity[c] + Eps)
                {
                    refusedBy = c;
                    break;
                }
            }
            if (refusedBy >= 0)
            {
                var limit = limits.Limits[refusedBy];
                reasons[k] = new LimitReason(refusal, limit.CircuitId, limit.Line);
                continue;
            }
            foreach (var c in limits.LimitsOf(k)) need[c] += Minimum;
            admitted.Add(k);
        }
    }

    // Progressive filling from 6 A. A limit c with frozen load F and u rising chargers fills at
    // level (capacity - F) / u; that level only grows as chargers freeze below it, so each
    // limit keeps one queue entry whose key may be too low, and is re-queued at its true level
    // when it reaches the top: the top, once checked, is the true minimum.
    void Fill(List<int> admitted, double[] caps, LimitReason[] capReasons, double[] capacity, double[] amps, LimitReason[] reasons, ChargerDemand?[] demands)
    {
        if (admitted.Count == 0) return;
        var lineCount = capacity.Length;
        var frozenLoad = new double[lineCount];
        var rising = new int[lineCount];
        var frozen = new bool[amps.Length];
        var isAdmitted = new bool[amps.Length];
        foreach (var k in admitted)
        {
            isAdmitted[k] = true;
            foreach (var c in limits.LimitsOf(k)) rising[c]++;
        }

        var left = admitted.Count;
        // The departure plan's amps first, in turn order, where every limit on the way keeps 6 A for
        // each other admitted charger: the plan counted on them (it keeps 6 A for every other plugged-in
        // vehicle), and shared equally with those that have no target they would not come. Up to the
        // charger's cap whatever binds it: a draw cap under the plan would otherwise drop it to the
        // equal share, where the draw cap sticks (the vehicle takes all it is offered) and the plan is
        // lost for good. Before the queue is built: a freeze above a limit's level would lower it.
        foreach (var k in admitted)
        {
            if (demands[k]?.RuleCap is not { ServedFirst: true }) continue;
            var fits = true;
            foreach (var c in limits.LimitsOf(k))
                fits &= frozenLoad[c] + caps[k] + Minimum * (rising[c] - 1) <= capacity[c] + Eps;
            if (fits) Freeze(k, caps[k], capReasons[k]);
        }

        var queue = new PriorityQueue<int, double>();
        for (var c = 0; c < lineCount; c++)
            if (rising[c] > 0) queue.Enqueue(c, Level(c));

        var byCap = admitted.ToArray();
        var capKeys = new double[byCap.Length];
        for (var i = 0; i < byCap.Length; i++) capKeys[i] = caps[byCap[i]];
        Array.Sort(capKeys, byCap); // equal caps freeze at the same level whatever their order
        var nextCap = 0;

        while (left > 0)
        {
            while (nextCap < byCap.Length && frozen[byCap[nextCap]]) nextCap++;
            var capLevel = nextCap < byCap.Length ? caps[byCap[nextCap]] : double.PositiveInfinity;

            var limitLevel = double.PositiveInfinity;
            var limitIndex = -1;
            while (queue.TryPeek(out var c, out var level))
            {
                if (rising[c] == 0)
                {
                    queue.Dequeue();
                    continue;
                }
                var current = Level(c);
                if (current > level + Eps)
                {
                    queue.Dequeue();
                    queue.Enqueue(c, current);
                    continue;
                }
                limitLevel = level;
                limitIndex = c;
                break;
            }

            if (capLevel <= limitLevel + Eps)
            {
                var k = byCap[nextCap];
                Freeze(k, caps[k], capReasons[k]);
            }
            else
            {
                queue.Dequeue();
                var limit = limits.Limits[limitIndex];
                var reason = LimitReason.OnCircuit(limit.CircuitId, limit.Line);
                var level = Math.Max(Minimum, limitLevel);
                foreach (var k in limit.ChargerIndexes)
                    if (isAdmitted[k] && !frozen[k]) Freeze(k, level, reason);
            }
        }

        double Level(int c) => (capacity[c] - frozenLoad[c]) / rising[c];

        void Freeze(int k, double level, LimitReason reason)
        {
            frozen[k] = true;
            left--;
            amps[k] = Quantize(level);
            reasons[k] = reason;
            foreach (var c in limits.LimitsOf(k))
            {
                frozenLoad[c] += amps[k];
                rising[c]--;
            }
        }
    }

    /// <summary>Rounds down to 0.01 A (never up, so no limit is exceeded by rounding), not below 6 A.</summary>
    static double Quantize(double amps)
    {
        var q = Math.Round(amps * 100);
        if (q / 100 > amps + Eps) q -= 1;
        return Math.Max(Minimum, q / 100);
    }
}
