using System.Text.Json;
using System.Text.Json.Serialization;
using SmartElek.Site.Topology;

namespace SmartElek.Site.Commissioning;

/// <summary>
/// Edits of the site.json shape (<see cref="SiteSpec"/>): each returns a new document and leaves the
/// given one alone, so a refused change loses nothing. Validation stays in <see cref="SiteTopology.FromSpec"/>.
/// </summary>
public static class SpecEdits
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The document in site.json's shape (what the export endpoint returns and config/site.json may hold).</summary>
    public static string ToJson(SiteSpec spec) =>
        JsonSerializer.Serialize(new SiteSpec { Name = spec.Name, Phases = spec.Phases, Feeder = Shape(spec.Feeder, compact: true) }, Json);

    /// <summary>A deep copy in which every circuit has (possibly empty) lists of children and chargers, ready to edit.</summary>
    public static SiteSpec Clone(SiteSpec spec)
    {
        var copy = JsonSerializer.Deserialize<SiteSpec>(JsonSerializer.Serialize(spec, Json), Json)!;
        return new SiteSpec { Name = copy.Name, Phases = copy.Phases, Feeder = Shape(copy.Feeder, compact: false) };
    }

    // compact: empty lists left out (the file's shape); otherwise every list present (to edit).
    static CircuitSpec? Shape(CircuitSpec? c, bool compact) => c is null ? null : new CircuitSpec
    {
        Id = c.Id, Kind = c.Kind, RatingAmps = c.RatingAmps, LineLimitAmps = c.LineLimitAmps,
        Children = compact && c.Children is not { Count: > 0 } ? null : [.. (c.Children ?? []).Select(x => Shape(x, compact)!)],
        Chargers = compact && c.Chargers is not { Count: > 0 } ? null : [.. c.Chargers ?? []],
    };

    /// <summary>Adds circuit <paramref name="id"/> under <paramref name="parentId"/>, or sets an existing one's rating and line limits.</summary>
    public static SiteSpec SetCircuit(SiteSpec spec, string id, string? parentId, double ratingAmps, IReadOnlyDictionary<string, double>? lineLimits)
    {
        var copy = Clone(spec);
        var limits = lineLimits is null ? null : new Dictionary<string, double>(lineLimits);
        if (Find(copy, id) is { } found)
        {
            var old = found.Circuit;
            var edited = new CircuitSpec
            {
                Id = old.Id, Kind = old.Kind, RatingAmps = ratingAmps, LineLimitAmps = limits, Children = old.Children, Chargers = old.Chargers,
            };
            if (found.Parent is null) return new SiteSpec { Name = copy.Name, Phases = copy.Phases, Feeder = edited };
            found.Parent.Children![found.Parent.Children.IndexOf(old)] = edited;
            return copy;
        }
        var parent = Find(copy, parentId ?? "")?.Circuit ?? throw new ArgumentException($"no circuit '{parentId}'", nameof(parentId));
        Children(parent).Add(new CircuitSpec { Id = id, RatingAmps = ratingAmps, LineLimitAmps = limits });
        return copy;
    }

    /// <summary>Puts charger <paramref name="charger"/> on <paramref name="circuitId"/> (moving it there if it hung elsewhere).</summary>
    public static SiteSpec PlaceCharger(SiteSpec spec, ChargerId charger, string circuitId, double ratingAmps, string lines, double failSafeAmps)
    {
        var copy = Clone(spec);
        var maxBreaker = FindCharger(copy, charger)?.Spec.MaxBreakerAmps ?? new ChargerSpec().MaxBreakerAmps;
        RemoveFrom(copy, charger);
        var circuit = Find(copy, circuitId)?.Circuit ?? throw new ArgumentException($"no circuit '{circuitId}'", nameof(circuitId));
        Chargers(circuit).Add(new ChargerSpec
        {
            Id = charger.Value, RatingAmps = ratingAmps, Lines = lines, FailSafeAmps = failSafeAmps, MaxBreakerAmps = maxBreaker,
        });
        return copy;
    }

    public static SiteSpec RemoveCharger(SiteSpec spec, ChargerId charger)
    {
        var copy = Clone(spec);
        RemoveFrom(copy, charger);
        return copy;
    }

    static void RemoveFrom(SiteSpec spec, ChargerId charger)
    {
        if (FindCharger(spec, charger) is { } at) at.Circuit.Chargers!.Remove(at.Spec);
    }

    static List<CircuitSpec> Children(CircuitSpec c) => c.Children ?? throw new InvalidOperationException("unreachable");

    static List<ChargerSpec> Chargers(CircuitSpec c) => c.Chargers ?? throw new InvalidOperationException("unreachable");

    /// <summary>The circuit with this id and its parent (null for the feeder).</summary>
    public static (CircuitSpec Circuit, CircuitSpec? Parent)? Find(SiteSpec spec, string id)
    {
        if (spec.Feeder is null) return null;
        var stack = new Stack<(CircuitSpec, CircuitSpec?)>();
        stack.Push((spec.Feeder, null));
        while (stack.Count > 0)
        {
            var (c, parent) = stack.Pop();
            if (c.Id?.Trim() == id) return (c, parent);
            foreach (var child in c.Children ?? []) stack.Push((child, c));
        }
        return null;
    }

    static (CircuitSpec Circuit, ChargerSpec Spec)? FindCharger(SiteSpec spec, ChargerId charger)
    {
        if (spec.Feeder is null) return null;
        var stack = new Stack<CircuitSpec>();
        stack.Push(spec.Feeder);
        while (stack.Count > 0)
        {
            var c = stack.Pop();
            foreach (var ch in c.Chargers ?? [])
                if (ch.Id == charger.Value) return (c, ch);
            foreach (var child in c.Children ?? []) stack.Push(child);
        }
        return null;
    }
}
