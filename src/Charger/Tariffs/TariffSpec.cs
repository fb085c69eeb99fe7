using System.Text.Json.Serialization;

namespace SmartElek.Tariffs;

// The JSON shape of config/tariffs.json (docs/tariffs.md). Plain data; TariffConfiguration validates it.

public sealed class TariffsSpec
{
    /// <summary>For display only (EUR, USD, ...).</summary>
    [JsonPropertyName("currency")] public string? Currency { get; init; }

    /// <summary>The tariff of drivers without a group, and of a group that names none.</summary>
    [JsonPropertyName("defaultTariff")] public string? DefaultTariff { get; init; }

    [JsonPropertyName("tariffs")] public Dictionary<string, TariffSpec>? Tariffs { get; init; }

    /// <summary>Driver group to tariff name: residents, guests, fleet...</summary>
    [JsonPropertyName("groups")] public Dictionary<string, string>? Groups { get; init; }

    [JsonPropertyName("feed")] public FeedSpec? Feed { get; init; }
}

public sealed class TariffSpec
{
    [JsonPropertyName("seasons")] public List<SeasonSpec>? Seasons { get; init; }

    /// <summary>While the day-ahead feed is fresh, the price is the feed's plus this markup; stale, the seasons' price.</summary>
    [JsonPropertyName("followsFeed")] public bool FollowsFeed { get; init; }

    [JsonPropertyName("feedMarkupPerKWh")] public double FeedMarkupPerKWh { get; init; }
}

public sealed class SeasonSpec
{
    [JsonPropertyName("name")] public string? Name { get; init; }

    /// <summary>"MM-dd", first date of the season, included.</summary>
    [JsonPropertyName("from")] public string? From { get; init; }

    /// <summary>"MM-dd", last date of the season, included; before <c>from</c> when it wraps the new year.</summary>
    [JsonPropertyName("to")] public string? To { get; init; }

    /// <summary>The price outside every band.</summary>
    [JsonPropertyName("basePerKWh")] public double? BasePerKWh { get; init; }

    [JsonPropertyName("bands")] public List<BandSpec>? Bands { get; init; }
}

public sealed class BandSpec
{
    /// <summary>"Mon-Fri", "Sat,Sun", "daily" (default).</summary>
    [JsonPropertyName("days")] public string? Days { get; init; }

    /// <summary>"HH:mm" on a quarter hour, included.</summary>
    [JsonPropertyName("from")] public string? From { get; init; }

    /// <summary>"HH:mm" on a quarter hour, excluded; "24:00" for the end of the day. After <c>from</c>: split a night band in two.</summary>
    [JsonPropertyName("to")] public string? To { get; init; }

    [JsonPropertyName("perKWh")] public double? PerKWh { get; init; }
}

public sealed class FeedSpec
{
    /// <summary>A file path (relative to the configuration folder) or an http(s) URL.</summary>
    [JsonPropertyName("source")] public string? Source { get; init; }

    /// <summary>"json" (default) or "csv".</summary>
    [JsonPropertyName("format")] public string? Format { get; init; }

    [JsonPropertyName("refreshMinutes")] public int RefreshMinutes { get; init; } = 60;

    /// <summary>A fetch older than this is stale: the tariffs that follow the feed fall back to their seasons.</summary>
    [JsonPropertyName("staleAfterHours")] public double StaleAfterHours { get; init; } = 36;
}
