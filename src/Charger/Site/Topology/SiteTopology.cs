using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace SmartElek.Site.Topology;

public enum CircuitKind
{
    Feeder,
    Panel,
    Branch,
}

/// <summary>A configuration error in the site topology, with the JSON path of the offending value.</summary>
public sealed class TopologyException(string jsonPath, string problem)
    : Exception($"{jsonPath}: {problem}")
{
    /// <summary>Where in the JSON the problem is, e.g. <c>$.feeder.children[1].chargers[0].lines</c>.</summary>
    public string JsonPath { get; } = jsonPath;

    public string Problem { get; } = problem;
}

/// <summary>One circuit of the validated tree.</summary>
public sealed class Circuit
{
    internal Circuit(string id, CircuitKind kind, double ratingAmps, FrozenDictionary<Line, double> lineLimits,
        string? parentId, int depth, string jsonPath)
    {
        Id = id;
        Kind = kind;
        RatingAmps = ratingAmps;
        LineLimits = lineLimits;
        ParentId = parentId;
        Depth = depth;
        JsonPath = jsonPath;
    }

    public string Id { get; }
    public CircuitKind Kind { get; }
    public double RatingAmps { get; }

    /// <summary>The continuous limit of each of the site's lines (80 % of the rating unless configured).</summary>
    public FrozenDictionary<Line, double> LineLimits { get; }

    public string? ParentId { get; }

    /// <summary>0 for the feeder.</summary>
    public int Depth { get; }

    public string JsonPath { get; }

    public IReadOnlyList<string> ChildIds { get; internal set; } = [];
    public IReadOnlyList<ChargerId> ChargerIds { get; internal set; } = [];

    public double LimitOn(Line line) => LineLimits[line];

    public override string ToString() => $"{Kind} '{Id}' ({RatingAmps.ToString(CultureInfo.InvariantCulture)} A)";
}

/// <summary>Where one charger hangs and what it may draw.</summary>
public sealed record ChargerPlacement(
    ChargerId Id,
    string CircuitId,
    LinePair Lines,
    double RatingAmps,
    double FailSafeAmps,
    string JsonPath);

/// <summary>
/// The site: a validated tree of circuits with chargers at its branch circuits. Immutable; build
/// it with <see cref="Parse"/>, <see cref="Load"/> or <see cref="FromSpec"/>, which refuse a
/// topology that could overload a breaker and name the offender and its JSON path.
/// </summary>
public sealed class SiteTopology
{
    /// <summary>The NEC continuous-load factor: a breaker carries at most 80 % of its rating continuously.</summary>
    public const double ContinuousFactor = 0.8;

    /// <summary>The highest current J1772 PWM can offer.</summary>
    public const double MaxPilotAmps = 80;

    /// <summary>The lowest non-zero current J1772 can offer.</summary>
    public const double MinimumChargingAmps = 6;

    static readonly double[] StandardBreakerAmps =
        [15, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100, 110, 125, 150, 175, 200, 225, 250, 300, 350, 400, 450, 500, 600, 800, 1000, 1200];

    static readonly JsonSerializerOptions JsonOptions = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    SiteTopology(string name, SitePhases phases, Circuit root, FrozenDictionary<string, Circuit> circuits,
        IReadOnlyList<ChargerPlacement> chargers, SiteSpec spec)
    {
        Spec = spec;
        Name = name;
        Phases = phases;
        Lines = phases == SitePhases.ThreePhase ? [Line.L1, Line.L2, Line.L3] : [Line.L1, Line.L2];
        Root = root;
        Circuits = circuits;
        Chargers = chargers;
        ChargerById = chargers.ToFrozenDictionary(c => c.Id);
        CircuitsInOrder = [.. Walk(root)];
    }

    public string Name { get; }

    /// <summary>The document this topology was validated from (site.json's shape); never changed afterwards.</summary>
    public SiteSpec Spec { get; }

    public SitePhases Phases { get; }
    public IReadOnlyList<Line> Lines { get; }
    public Circuit Root { get; }
    public FrozenDictionary<string, Circuit> Circuits { get; }

    /// <summary>Circuits in depth-first order from the feeder.</summary>
    public IReadOnlyList<Circuit> CircuitsInOrder { get; }

    /// <summary>Chargers in the order they appear in the configuration.</summary>
    public IReadOnlyList<ChargerPlacement> Chargers { get; }

    public FrozenDictionary<ChargerId, ChargerPlacement> ChargerById { get; }

    /// <summary>The circuits a charger's current flows through: its branch first, the feeder last.</summary>
    public IEnumerable<Circuit> PathToFeeder(ChargerId charger)
    {
        var circuit = Circuits[ChargerById[charger].CircuitId];
        while (true)
        {
            yield return circuit;
            if (circuit.ParentId is null) yield break;
            circuit = Circuits[circuit.ParentId];
        }
    }

    IEnumerable<Circuit> Walk(Circuit circuit)
    {
        yield return circuit;
        foreach (var child in circuit.ChildIds)
            foreach (var c in Walk(Circuits[child]))
                yield return c;
    }

    /// <summary>Reads and validates a topology file.</summary>
    public static SiteTopology Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TopologyException("$", $"cannot read the site topology file '{path}': {e.Message}");
        }
        return Parse(json);
    }

    /// <summary>Parses and validates a topology document.</summary>
    public static SiteTopology Parse(string json)
    {
        SiteSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<SiteSpec>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
            throw new TopologyException(e.Path ?? "$", $"not a valid site topology{where}: {e.Message}");
        }
        if (spec is null) throw new TopologyException("$", "the site topology is empty (null)");
        return FromSpec(spec);
    }

    /// <summary>Validates a topology given as data (the configuration's shape).</summary>
    public static SiteTopology FromSpec(SiteSpec spec)
    {
        var phases = spec.Phases?.Trim().ToLowerInvariant() switch
        {
            null or "" or "split-phase" or "split" => SitePhases.SplitPhase,
            "three-phase" or "3-phase" or "three" => SitePhases.ThreePhase,
            _ => throw new TopologyException("$.phases", $"unknown supply \"{spec.Phases}\"; use \"split-phase\" or \"three-phase\""),
        };
        if (spec.Feeder is null)
            throw new TopologyException("$.feeder", "the site has no feeder: the circuit tree is empty");
        var builder = new Builder(phases);
        var root = builder.Add(spec.Feeder, null, 0, "$.feeder");
        if (builder.Chargers.Count == 0)
            throw new TopologyException("$.feeder", "the site has no chargers: the circuit tree is empty");
        var topology = new SiteTopology(string.IsNullOrWhiteSpace(spec.Name) ? "site" : spec.Name.Trim(), phases, root,
            builder.Circuits.ToFrozenDictionary(), builder.Chargers, spec);
        CheckFailSafeShares(topology);
        return topology;
    }

    // Fail-safe currents flow without the allocator (a charger that lost its lease), so every
    // circuit must carry all of them at once.
    static void CheckFailSafeShares(SiteTopology topology)
    {
        foreach (var circuit in topology.CircuitsInOrder)
        {
            foreach (var line in topology.Lines)
            {
                var sum = 0.0;
                foreach (var charger in ChargersUnder(topology, circuit))
                    if (charger.Lines.Contains(line)) sum += charger.FailSafeAmps;
                if (sum > circuit.LimitOn(line) + 1e-9)
                    throw new TopologyException(circuit.JsonPath,
                        $"the fail-safe currents of the chargers below {circuit} add up to {Amps(sum)} on {line}, above its limit of {Amps(circuit.LimitOn(line))}");
            }
        }
    }

    /// <summary>Every charger at or below a circuit.</summary>
    public static IEnumerable<ChargerPlacement> ChargersUnder(SiteTopology topology, Circuit circuit)
    {
        foreach (var id in circuit.ChargerIds) yield return topology.ChargerById[id];
        foreach (var child in circuit.ChildIds)
            foreach (var c in ChargersUnder(topology, topology.Circuits[child]))
                yield return c;
    }

    static string Amps(double a) => $"{a.ToString("0.##", CultureInfo.InvariantCulture)} A";

    /// <summary>The smallest standard breaker whose continuous limit carries <paramref name="amps"/>.</summary>
    public static double BreakerNeededFor(double amps)
    {
        var needed = amps / ContinuousFactor;
        foreach (var size in StandardBreakerAmps)
            if (size >= needed - 1e-9) return size;
        return Math.Ceiling(needed);
    }

    sealed class Builder(SitePhases phases)
    {
        public readonly Dictionary<string, Circuit> Circuits = new(StringComparer.Ordinal);
        public readonly List<ChargerPlacement> Chargers = [];
        readonly Dictionary<ChargerId, ChargerPlacement> chargerIndex = [];

        IEnumerable<Line> SiteLines => phases == SitePhases.ThreePhase ? [Line.L1, Line.L2, Line.L3] : [Line.L1, Line.L2];

        public Circuit Add(CircuitSpec spec, Circuit? parent, int depth, string path)
        {
            if (depth > 32) throw new TopologyException(path, "the circuit tree is deeper than 32 levels");
            if (string.IsNullOrWhiteSpace(spec.Id))
                throw new TopologyException(path + ".id", "a circuit needs an id");
            var id = spec.Id.Trim();
            if (Circuits.TryGetValue(id, out var existing))
                throw new TopologyException(path + ".id", $"duplicate circuit id '{id}' (also at {existing.JsonPath})");
            if (!(spec.RatingAmps > 0) || double.IsInfinity(spec.RatingAmps))
                throw new TopologyException(path + ".ratingAmps", $"circuit '{id}' needs a positive breaker rating, not {spec.RatingAmps}");
            if (parent is not null && spec.RatingAmps > parent.RatingAmps)
                throw new TopologyException(path + ".ratingAmps",
                    $"circuit '{id}' is rated {Amps(spec.RatingAmps)}, above its parent '{parent.Id}' ({Amps(parent.RatingAmps)})");

            var hasChildren = spec.Children is { Count: > 0 };
            var hasChargers = spec.Chargers is { Count: > 0 };
            if (hasChildren && hasChargers)
                throw new TopologyException(path,
                    $"circuit '{id}' has both child circuits and chargers; chargers hang on branch circuits (leaves) only");

            var kind = ParseKind(spec.Kind, path, id, parent is null, hasChildren);
            var limits = LineLimits(spec, id, path);
            var circuit = new Circuit(id, kind, spec.RatingAmps, limits, parent?.Id, depth, path);
            Circuits[id] = circuit;

            var children = new List<string>();
            for (var i = 0; i < (spec.Children?.Count ?? 0); i++)
            {
                var childSpec = spec.Children![i]
                    ?? throw new TopologyException($"{path}.children[{i}]", "a circuit entry is null");
                children.Add(Add(childSpec, circuit, depth + 1, $"{path}.children[{i}]").Id);
            }
            circuit.ChildIds = children;

            var chargers = new List<ChargerId>();
            for (var i = 0; i < (spec.Chargers?.Count ?? 0); i++)
                chargers.Add(AddCharger(spec.Chargers![i], circuit, $"{path}.chargers[{i}]").Id);
            circuit.ChargerIds = chargers;
            return circuit;
        }

        static CircuitKind ParseKind(string? text, string path, string id, bool isRoot, bool hasChildren)
        {
            return text?.Trim().ToLowerInvariant() switch
            {
                null or "" => isRoot ? CircuitKind.Feeder : hasChildren ? CircuitKind.Panel : CircuitKind.Branch,
                "feeder" => CircuitKind.Feeder,
                "panel" => CircuitKind.Panel,
                "branch" => CircuitKind.Branch,
                _ => throw new TopologyException(path + ".kind", $"circuit '{id}' has unknown kind \"{text}\"; use feeder, panel or branch"),
            };
        }

        FrozenDictionary<Line, double> LineLimits(CircuitSpec spec, string id, string path)
        {
            var limits = SiteLines.ToDictionary(l => l, _ => spec.RatingAmps * ContinuousFactor);
            foreach (var (key, value) in spec.LineLimitAmps ?? [])
            {
                var at = $"{path}.lineLimitAmps.{key}";
                if (!LinePair.TryParseLine(key, out var line))
                    throw new TopologyException(at, $"circuit '{id}' names unknown line \"{key}\" (known: {string.Join(", ", SiteLines)})");
                if (!limits.ContainsKey(line))
                    throw new TopologyException(at, $"circuit '{id}' names line {line}, which a split-phase site does not have (lines: L1, L2)");
                if (!(value > 0) || value > spec.RatingAmps)
                    throw new TopologyException(at,
                        $"circuit '{id}' line limit on {line} must be above 0 and at most its rating {Amps(spec.RatingAmps)}, not {value}");
                limits[line] = value;
            }
            return limits.ToFrozenDictionary();
        }

        ChargerPlacement AddCharger(ChargerSpec? spec, Circuit circuit, string path)
        {
            if (spec is null) throw new TopologyException(path, "a charger entry is null");
            ChargerId id;
            try
            {
                id = new ChargerId(spec.Id ?? "");
            }
            catch (ArgumentException e)
            {
                throw new TopologyException(path + ".id", e.Message);
            }
            if (chargerIndex.TryGetValue(id, out var other))
            {
                throw new TopologyException(path + ".id", other.CircuitId == circuit.Id
                    ? $"charger '{id}' is listed twice on circuit '{circuit.Id}' (also at {other.JsonPath})"
                    : $"charger '{id}' hangs on two circuits: '{other.CircuitId}' (at {other.JsonPath}) and '{circuit.Id}'");
            }
            if (Circuits.ContainsKey(id.Value))
                throw new TopologyException(path + ".id", $"charger id '{id}' is already the id of a circuit");

            LinePair lines;
            if (spec.Lines is null)
            {
                lines = new LinePair(Line.L1, Line.L2);
            }
            else
            {
                lines = LinePair.TryParse(spec.Lines, out var error)
                    ?? throw new TopologyException(path + ".lines", $"charger '{id}': {error}");
                if (phases == SitePhases.SplitPhase && (lines.First == Line.L3 || lines.Second == Line.L3))
                    throw new TopologyException(path + ".lines", $"charger '{id}': unknown line L3 in a split-phase site (lines: L1, L2)");
            }

            if (!(spec.RatingAmps >= MinimumChargingAmps) || spec.RatingAmps > MaxPilotAmps)
                throw new TopologyException(path + ".ratingAmps",
                    $"charger '{id}' rating must be between {Amps(MinimumChargingAmps)} and {Amps(MaxPilotAmps)}, not {spec.RatingAmps}");
            if (!(spec.MaxBreakerAmps > 0))
                throw new TopologyException(path + ".maxBreakerAmps", $"charger '{id}' needs a positive maxBreakerAmps, not {spec.MaxBreakerAmps}");
            if (circuit.RatingAmps > spec.MaxBreakerAmps)
                throw new TopologyException(path,
                    $"charger '{id}' must sit on a branch breaker of at most {Amps(spec.MaxBreakerAmps)}, but '{circuit.Id}' is rated {Amps(circuit.RatingAmps)}");
            foreach (var line in new[] { lines.First, lines.Second })
            {
                var limit = circuit.LimitOn(line);
                if (spec.RatingAmps > limit + 1e-9)
                    throw new TopologyException(path + ".ratingAmps",
                        $"charger '{id}' is rated {Amps(spec.RatingAmps)} but branch '{circuit.Id}' carries only {Amps(limit)} continuously on {line}; " +
                        $"a {Amps(spec.RatingAmps)} charger needs a {Amps(BreakerNeededFor(spec.RatingAmps))} branch");
            }
            if (spec.FailSafeAmps != 0 && !(spec.FailSafeAmps >= MinimumChargingAmps && spec.FailSafeAmps <= spec.RatingAmps))
                throw new TopologyException(path + ".failSafeAmps",
                    $"charger '{id}' fail-safe current must be 0 A or between {Amps(MinimumChargingAmps)} and its rating {Amps(spec.RatingAmps)}, not {spec.FailSafeAmps}");

            var placement = new ChargerPlacement(id, circuit.Id, lines, spec.RatingAmps, spec.FailSafeAmps, path);
            chargerIndex[id] = placement;
            Chargers.Add(placement);
            return placement;
        }
    }
}
