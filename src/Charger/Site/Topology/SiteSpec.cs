using System.Text.Json.Serialization;

namespace SmartElek.Site.Topology;

// The JSON shape of config/site.json. These are plain data; SiteTopology.FromSpec validates them.

/// <summary>The site as written in the configuration file.</summary>
public sealed class SiteSpec
{
    /// <summary>A name for logs and the dashboard.</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }

    /// <summary>"split-phase" (default) or "three-phase".</summary>
    [JsonPropertyName("phases")] public string? Phases { get; init; }

    /// <summary>The root circuit: the main feeder.</summary>
    [JsonPropertyName("feeder")] public CircuitSpec? Feeder { get; init; }
}

/// <summary>One circuit: a feeder, a panel or a branch circuit.</summary>
public sealed class CircuitSpec
{
    [JsonPropertyName("id")] public string? Id { get; init; }

    /// <summary>"feeder", "panel" or "branch"; informational, inferred when left out.</summary>
    [JsonPropertyName("kind")] public string? Kind { get; init; }

    /// <summary>The breaker rating in amps.</summary>
    [JsonPropertyName("ratingAmps")] public double RatingAmps { get; init; }

    /// <summary>Per-line continuous limits; a line left out gets 80 % of the rating.</summary>
    [JsonPropertyName("lineLimitAmps")] public Dictionary<string, double>? LineLimitAmps { get; init; }

    [JsonPropertyName("children")] public List<CircuitSpec>? Children { get; init; }

    [JsonPropertyName("chargers")] public List<ChargerSpec>? Chargers { get; init; }
}

/// <summary>One charger hanging on a branch circuit.</summary>
public sealed class ChargerSpec
{
    [JsonPropertyName("id")] public string? Id { get; init; }

    /// <summary>The charger's continuous output rating; a SmartElek #4500 is 30 A.</summary>
    [JsonPropertyName("ratingAmps")] public double RatingAmps { get; init; } = 30;

    /// <summary>"L1-L2" (default), "L2-L3" or "L3-L1".</summary>
    [JsonPropertyName("lines")] public string? Lines { get; init; }

    /// <summary>What the charger falls back to when its lease runs out: 0 A unless a reserved share exists.</summary>
    [JsonPropertyName("failSafeAmps")] public double FailSafeAmps { get; init; }

    /// <summary>The largest branch breaker the charger may sit on (the #4500: 40 A).</summary>
    [JsonPropertyName("maxBreakerAmps")] public double MaxBreakerAmps { get; init; } = 40;
}
