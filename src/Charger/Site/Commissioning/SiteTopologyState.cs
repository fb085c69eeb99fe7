using System.Collections.Immutable;
using SmartElek.Site.Topology;
using static SmartElek.Site.Commissioning.TopologyCommands;
using static SmartElek.Site.Commissioning.TopologyEvents;

namespace SmartElek.Site.Commissioning;

/// <summary>The events a command leads to, or why it is refused (nothing changes then).</summary>
public sealed record TopologyDecision(IReadOnlyList<IWireMessage> Events, TopologyRefusal? Refusal)
{
    public static TopologyDecision Refuse(string field, string reason) => new([], TopologyRefusal.Of(field, reason));
}

/// <summary>
/// The site's live topology: the site.json document as edited since the seed, validated by the same
/// rules as the file (<see cref="SiteTopology.FromSpec"/>), its version (one per event), permit-join,
/// and the chargers taken out. Pure: <see cref="Decide"/> validates a command into events,
/// <see cref="Apply"/> folds an event in; the topology keeper actor only stores and routes.
/// </summary>
public sealed record SiteTopologyState(
    long Version, SiteSpec Spec, SiteTopology Topology, DateTimeOffset? PermitJoinUntil, ImmutableList<RemovedCharger> Removed)
{
    /// <summary>Permit-join stays open at most this long (the manual: "a few minutes").</summary>
    public static readonly TimeSpan LongestPermitJoin = TimeSpan.FromMinutes(60);

    public bool PermitJoinOpen(DateTimeOffset now) => PermitJoinUntil is { } until && now < until;

    /// <summary>The first event of a site: its configuration file, validated (throws <see cref="TopologyException"/> naming the path).</summary>
    public static Seeded Seed(string siteJson, DateTimeOffset now)
    {
        SiteTopology.Parse(siteJson);
        return new Seeded(siteJson, now);
    }

    public static SiteTopologyState From(Seeded seeded)
    {
        var topology = SiteTopology.Parse(seeded.SiteJson);
        var spec = SpecEdits.Clone(System.Text.Json.JsonSerializer.Deserialize<SiteSpec>(seeded.SiteJson,
            new System.Text.Json.JsonSerializerOptions { ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })!);
        return new SiteTopologyState(1, spec, topology, null, []);
    }

    /// <summary>The document in config/site.json's shape.</summary>
    public string Export() => SpecEdits.ToJson(Spec);

    /// <summary>Folds in one stored event. Events were validated when decided; a replay never refuses one.</summary>
    public SiteTopologyState Apply(IWireMessage e) => e switch
    {
        CircuitSet c => WithSpec(SpecEdits.SetCircuit(Spec, c.CircuitId, c.ParentId, c.RatingAmps, c.LineLimitAmps)),
        ChargerPlaced p => WithSpec(SpecEdits.PlaceCharger(Spec, p.Charger, p.CircuitId, p.RatingAmps, p.Lines, p.FailSafeAmps))
            with { Removed = Removed.RemoveAll(r => r.Placement.Id == p.Charger) },
        ChargerRemoved r => WithSpec(SpecEdits.RemoveCharger(Spec, r.Charger))
            with { Removed = Removed.Add(new RemovedCharger(Topology.ChargerById[r.Charger], r.At)) },
        PermitJoinOpened o => this with { Version = Version + 1, PermitJoinUntil = o.Until },
        PermitJoinClosed => this with { Version = Version + 1, PermitJoinUntil = null },
        Seeded s => From(s),
        _ => throw new ArgumentException($"not a topology event: {e.GetType().Name}", nameof(e)),
    };

    SiteTopologyState WithSpec(SiteSpec spec) => this with { Version = Version + 1, Spec = spec, Topology = SiteTopology.FromSpec(spec) };

    /// <summary>Validates a command against the topology as it is: the events it leads to, or each bad field with its reason.</summary>
    public TopologyDecision Decide(Command command, DateTimeOffset now) => command switch
    {
        SetCircuit c => DecideCircuit(c, now),
        PlaceCharger p => DecidePlace(p, now),
        RemoveCharger r => DecideRemove(r, now),
        OpenPermitJoin o => o.For <= TimeSpan.Zero || o.For > LongestPermitJoin
            ? TopologyDecision.Refuse("minutes", $"permit-join opens for 1 to {LongestPermitJoin.TotalMinutes:0} minutes, not {o.For.TotalMinutes:0.#}")
            : new TopologyDecision([new PermitJoinOpened(now + o.For, now)], null),
        ClosePermitJoin => new TopologyDecision(PermitJoinOpen(now) ? [new PermitJoinClosed(now)] : [], null),
        _ => throw new ArgumentException($"unknown command {command.GetType().Name}", nameof(command)),
    };

    TopologyDecision DecideCircuit(SetCircuit c, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(c.CircuitId)) return TopologyDecision.Refuse("circuitId", "a circuit needs an id");
        var id = c.CircuitId.Trim();
        var existing = SpecEdits.Find(Spec, id);
        if (existing is null)
        {
            if (Topology.ChargerById.ContainsKey(SafeId(id))) return TopologyDecision.Refuse("circuitId", $"'{id}' is already the id of a charger");
            if (string.IsNullOrWhiteSpace(c.ParentId)) return TopologyDecision.Refuse("parentId", $"a new circuit '{id}' needs the circuit it hangs on");
            if (SpecEdits.Find(Spec, c.ParentId.Trim()) is null) return TopologyDecision.Refuse("parentId", $"there is no circuit '{c.ParentId.Trim()}'");
        }
        else if (c.ParentId is { } parent && !string.IsNullOrWhiteSpace(parent) && parent.Trim() != existing.Value.Parent?.Id?.Trim())
        {
            return TopologyDecision.Refuse("parentId", $"circuit '{id}' hangs on '{existing.Value.Parent?.Id ?? "nothing (the feeder)"}'; a circuit cannot be moved");
        }
        return Validated([new CircuitSet(id, existing is null ? c.ParentId!.Trim() : null, c.RatingAmps, c.LineLimitAmps, now)], "ratingAmps");
    }

    TopologyDecision DecidePlace(PlaceCharger p, DateTimeOffset now)
    {
        ChargerId charger;
        try
        {
            charger = new ChargerId(p.ChargerId ?? "");
        }
        catch (ArgumentException e)
        {
            return TopologyDecision.Refuse("chargerId", e.Message.Split(" (Parameter")[0]);
        }
        if (string.IsNullOrWhiteSpace(p.CircuitId)) return TopologyDecision.Refuse("circuitId", "name the branch circuit the charger hangs on");
        var circuitId = p.CircuitId.Trim();
        var events = new List<IWireMessage>();
        if (p.NewBranch is { } branch)
        {
            if (SpecEdits.Find(Spec, circuitId) is not null) return TopologyDecision.Refuse("circuitId", $"circuit '{circuitId}' exists already; leave out newBranch to use it");
            if (string.IsNullOrWhiteSpace(branch.ParentId) || SpecEdits.Find(Spec, branch.ParentId.Trim()) is null)
                return TopologyDecision.Refuse("newBranch.parentId", $"there is no circuit '{branch.ParentId}' for the new branch to hang on");
            events.Add(new CircuitSet(circuitId, branch.ParentId.Trim(), branch.RatingAmps, branch.LineLimitAmps, now));
        }
        else if (SpecEdits.Find(Spec, circuitId) is null)
        {
            return TopologyDecision.Refuse("circuitId", $"there is no circuit '{circuitId}' (give newBranch to add it)");
        }
        if (Topology.ChargerById.TryGetValue(charger, out var placed) && placed.CircuitId != circuitId)
            return TopologyDecision.Refuse("chargerId", $"charger '{charger}' hangs on '{placed.CircuitId}'; remove it before placing it elsewhere");
        if (Topology.Circuits.ContainsKey(charger.Value)) return TopologyDecision.Refuse("chargerId", $"'{charger}' is the id of a circuit");
        var lines = string.IsNullOrWhiteSpace(p.Lines) ? "L1-L2" : p.Lines.Trim();
        events.Add(new ChargerPlaced(charger, circuitId, p.RatingAmps, lines, p.FailSafeAmps, now));
        return Validated(events, "circuitId", branchRating: p.NewBranch is null ? "circuitId" : "newBranch.ratingAmps");
    }

    TopologyDecision DecideRemove(RemoveCharger r, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(r.ChargerId) || !Topology.ChargerById.ContainsKey(SafeId(r.ChargerId.Trim())))
            return TopologyDecision.Refuse("chargerId", $"charger '{r.ChargerId}' is not in the topology");
        return Validated([new ChargerRemoved(new ChargerId(r.ChargerId.Trim()), now)], "chargerId");
    }

    // A removed charger's unit may still be powered where it hung and fall back to its fail-safe
    // current without the site (the allocator keeps counting it, GrantLedger.ChangeTopology): the
    // fail-safe shares of the chargers in the topology and of those taken out must fit together.
    string? RemovedFailSafeProblem()
    {
        var removed = Removed.Where(r => r.Placement.FailSafeAmps > 0).Select(r => r.Placement).ToList();
        if (removed.Count == 0) return null;
        foreach (var circuit in Topology.CircuitsInOrder)
            foreach (var line in Topology.Lines)
            {
                var sum = SiteTopology.ChargersUnder(Topology, circuit).Concat(removed.Where(r => Under(r.CircuitId, circuit.Id)))
                    .Where(c => c.Lines.Contains(line)).Sum(c => c.FailSafeAmps);
                if (sum > circuit.LimitOn(line) + 1e-9)
                    return $"the fail-safe currents below {circuit} add up to {sum:0.##} A on {line} with those of chargers taken out " +
                           $"({string.Join(", ", removed.Select(r => r.Id))}: their units may still fall back to them), above its limit of {circuit.LimitOn(line):0.##} A";
            }
        return null;
    }

    bool Under(string circuitId, string ancestor)
    {
        for (string? id = circuitId; id is not null; id = Topology.Circuits.TryGetValue(id, out var c) ? c.ParentId : null)
            if (id == ancestor) return true;
        return false;
    }

    static ChargerId SafeId(string id)
    {
        try
        {
            return new ChargerId(id);
        }
        catch (ArgumentException)
        {
            return new ChargerId("-");
        }
    }

    // Applies the events to a copy and runs the file's rules over the whole result: a change is
    // refused exactly when the same site written in config/site.json would be.
    TopologyDecision Validated(IReadOnlyList<IWireMessage> events, string fallbackField, string? branchRating = null)
    {
        try
        {
            var state = this;
            foreach (var e in events) state = state.Apply(e);
            return state.RemovedFailSafeProblem() is { } problem
                ? new TopologyDecision([], TopologyRefusal.Of("failSafeAmps", problem))
                : new TopologyDecision(events, null);
        }
        catch (TopologyException e)
        {
            return new TopologyDecision([], TopologyRefusal.Of(FieldOf(e.JsonPath, e.Problem, fallbackField, branchRating), e.Problem));
        }
    }

    // "$.feeder.children[0].chargers[1].failSafeAmps" -> "failSafeAmps": the command's field of that name.
    static string FieldOf(string jsonPath, string problem, string fallback, string? circuitRating)
    {
        if (problem.Contains("fail-safe currents", StringComparison.Ordinal)) return "failSafeAmps";
        var inCharger = jsonPath.Contains(".chargers[", StringComparison.Ordinal);
        var last = jsonPath[(jsonPath.LastIndexOf('.') + 1)..];
        if (jsonPath.Contains(".lineLimitAmps.", StringComparison.Ordinal)) return "lineLimitAmps";
        return last switch
        {
            "ratingAmps" when inCharger => "ratingAmps",
            "ratingAmps" => circuitRating ?? "ratingAmps",
            "lines" or "failSafeAmps" => last,
            "id" => inCharger ? "chargerId" : "circuitId",
            _ when jsonPath.EndsWith(']') && inCharger => circuitRating ?? fallback,
            _ => fallback,
        };
    }
}
