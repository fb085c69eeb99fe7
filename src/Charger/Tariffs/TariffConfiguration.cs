using System.Globalization;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace SmartElek.Tariffs;

/// <summary>A configuration error in the tariffs, naming the key (JSON path) and the problem.</summary>
public sealed class TariffConfigException(string key, string problem) : Exception($"{key}: {problem}")
{
    public string Key { get; } = key;
    public string Problem { get; } = problem;
}

/// <summary>Reads and validates <c>config/tariffs.json</c> into a <see cref="TariffBook"/>.</summary>
public static class TariffConfiguration
{
    static readonly JsonSerializerOptions Json = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    static readonly LocalTimePattern Clock = LocalTimePattern.CreateWithInvariantCulture("HH:mm");

    public static TariffBook Parse(string json)
    {
        TariffsSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<TariffsSpec>(json, Json);
        }
        catch (JsonException e)
        {
            throw new TariffConfigException(e.Path ?? "$", $"not a valid tariffs document (line {e.LineNumber + 1}): {e.Message}");
        }
        return FromSpec(spec ?? throw new TariffConfigException("$", "the tariffs document is empty"));
    }

    public static TariffBook FromSpec(TariffsSpec spec)
    {
        if (spec.Tariffs is not { Count: > 0 }) throw new TariffConfigException("$.tariffs", "at least one tariff is needed");
        var tariffs = new Dictionary<string, (TimeOfUseTariff Tou, bool Follows, double Markup)>(StringComparer.Ordinal);
        foreach (var (name, t) in spec.Tariffs)
        {
            var at = $"$.tariffs.{name}";
            if (string.IsNullOrWhiteSpace(name)) throw new TariffConfigException(at, "a tariff needs a name");
            if (t is null) throw new TariffConfigException(at, "the tariff is null");
            if (t.FollowsFeed && spec.Feed is null)
                throw new TariffConfigException($"{at}.followsFeed", "the tariff follows the day-ahead feed but $.feed is not configured");
            if (!double.IsFinite(t.FeedMarkupPerKWh)) throw new TariffConfigException($"{at}.feedMarkupPerKWh", "must be a number");
            tariffs[name] = (new TimeOfUseTariff(name, Seasons(t.Seasons, at)), t.FollowsFeed, t.FeedMarkupPerKWh);
        }
        var defaultName = spec.DefaultTariff ?? (tariffs.Count == 1 ? tariffs.Keys.First() : null)
            ?? throw new TariffConfigException("$.defaultTariff", $"name the tariff of drivers without a group (one of {string.Join(", ", tariffs.Keys)})");
        if (!tariffs.ContainsKey(defaultName))
            throw new TariffConfigException("$.defaultTariff", $"no tariff named '{defaultName}' (known: {string.Join(", ", tariffs.Keys)})");
        var groups = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (group, tariff) in spec.Groups ?? [])
        {
            if (!tariffs.ContainsKey(tariff ?? ""))
                throw new TariffConfigException($"$.groups.{group}", $"no tariff named '{tariff}' (known: {string.Join(", ", tariffs.Keys)})");
            groups[group] = tariff!;
        }
        var feed = spec.Feed is null ? null : Feed(spec.Feed);
        return new TariffBook(spec.Currency ?? "", defaultName,
            tariffs.ToDictionary(p => p.Key, p => new GroupTariff(p.Value.Tou, p.Value.Follows, p.Value.Markup)), groups, feed);
    }

    static FeedSettings Feed(FeedSpec f)
    {
        if (string.IsNullOrWhiteSpace(f.Source)) throw new TariffConfigException("$.feed.source", "name a file or an http(s) URL");
        var format = (f.Format ?? "json").Trim().ToLowerInvariant();
        if (format is not ("json" or "csv")) throw new TariffConfigException("$.feed.format", $"\"{f.Format}\" is neither \"json\" nor \"csv\"");
        if (f.RefreshMinutes is < 1 or > 24 * 60) throw new TariffConfigException("$.feed.refreshMinutes", $"must be 1-1440, not {f.RefreshMinutes}");
        if (!(f.StaleAfterHours > 0 && f.StaleAfterHours <= 24 * 7)) throw new TariffConfigException("$.feed.staleAfterHours", $"must be above 0 and at most 168, not {f.StaleAfterHours}");
        return new FeedSettings(f.Source.Trim(), format, Duration.FromMinutes(f.RefreshMinutes), Duration.FromHours(f.StaleAfterHours));
    }

    static List<TariffSeason> Seasons(List<SeasonSpec>? specs, string at)
    {
        if (specs is not { Count: > 0 }) throw new TariffConfigException($"{at}.seasons", "at least one season is needed (\"from\": \"01-01\", \"to\": \"12-31\" for all year)");
        var seasons = new List<TariffSeason>();
        for (var i = 0; i < specs.Count; i++)
        {
            var s = specs[i] ?? throw new TariffConfigException($"{at}.seasons[{i}]", "the season is null");
            var sat = $"{at}.seasons[{i}]";
            var from = Annual(s.From, $"{sat}.from");
            var to = Annual(s.To, $"{sat}.to");
            if (s.BasePerKWh is not { } basePrice || !double.IsFinite(basePrice))
                throw new TariffConfigException($"{sat}.basePerKWh", "the price outside every band is needed");
            var bands = new List<PriceBand>();
            for (var b = 0; b < (s.Bands?.Count ?? 0); b++) bands.Add(Band(s.Bands![b], $"{sat}.bands[{b}]"));
            CheckOverlaps(bands, $"{sat}.bands");
            seasons.Add(new TariffSeason(string.IsNullOrWhiteSpace(s.Name) ? $"season {i + 1}" : s.Name.Trim(), from, to, basePrice, bands));
        }
        // Every date of a leap year belongs to exactly one season.
        for (var day = new LocalDate(2024, 1, 1); day.Year == 2024; day = day.PlusDays(1))
        {
            var holding = seasons.Where(s => s.Covers(day)).ToList();
            if (holding.Count != 1)
                throw new TariffConfigException($"{at}.seasons", holding.Count == 0
                    ? $"no season covers {day:MM-dd}"
                    : $"{day:MM-dd} is in more than one season ({string.Join(", ", holding.Select(h => h.Name))})");
        }
        return seasons;
    }

    static PriceBand Band(BandSpec? b, string at)
    {
        if (b is null) throw new TariffConfigException(at, "the band is null");
        var days = WeekdaySet.Parse(b.Days, out var error);
        if (error.Length > 0) throw new TariffConfigException($"{at}.days", error);
        var from = Time(b.From, $"{at}.from", allow24: false);
        var to = Time(b.To, $"{at}.to", allow24: true);
        if (to != LocalTime.Midnight && to <= from)
            throw new TariffConfigException($"{at}.to", $"{b.To} is not after {b.From}; a band across midnight is written as two bands");
        if (b.PerKWh is not { } price || !double.IsFinite(price)) throw new TariffConfigException($"{at}.perKWh", "the band's price is needed");
        return new PriceBand(days, from, to, price);
    }

    static void CheckOverlaps(List<PriceBand> bands, string at)
    {
        for (var i = 0; i < bands.Count; i++)
            for (var j = 0; j < i; j++)
            {
                var shared = bands[i].Days.Intersect(bands[j].Days).ToList();
                var endI = bands[i].To == LocalTime.Midnight ? LocalTime.MaxValue : bands[i].To;
                var endJ = bands[j].To == LocalTime.Midnight ? LocalTime.MaxValue : bands[j].To;
                if (shared.Count > 0 && bands[i].From < endJ && bands[j].From < endI)
                    throw new TariffConfigException($"{at}[{i}]", $"overlaps {at}[{j}] on {shared[0]}");
            }
    }

    static AnnualDate Annual(string? text, string at)
    {
        var parts = text?.Split('-') ?? [];
        if (parts.Length == 2 && int.TryParse(parts[0], out var m) && int.TryParse(parts[1], out var d) && m is >= 1 and <= 12
            && d >= 1 && d <= CalendarSystem.Iso.GetDaysInMonth(2024, m))
            return new AnnualDate(m, d);
        throw new TariffConfigException(at, $"\"{text}\" is not a date of the year as MM-dd (e.g. \"10-01\")");
    }

    static LocalTime Time(string? text, string at, bool allow24)
    {
        if (allow24 && text == "24:00") return LocalTime.Midnight;
        var parsed = text is null ? null : Clock.Parse(text);
        if (parsed is not { Success: true })
            throw new TariffConfigException(at, $"\"{text}\" is not a time as HH:mm{(allow24 ? " (or 24:00)" : "")}");
        if (parsed.Value.Minute % 15 != 0 || parsed.Value.Second != 0)
            throw new TariffConfigException(at, $"{text} is not on a quarter hour: prices change on quarter hours");
        return parsed.Value;
    }

    internal static string Format(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
