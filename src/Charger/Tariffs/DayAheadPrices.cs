using System.Globalization;
using System.Text.Json;
using NodaTime;

namespace SmartElek.Tariffs;

/// <summary>A feed's document could not be read; the message names the entry (JSON path or CSV line) and the problem.</summary>
public sealed class PriceFeedException(string where, string problem) : Exception($"{where}: {problem}")
{
    public string Where { get; } = where;
}

/// <summary>One day-ahead price: from <see cref="Start"/> for <see cref="Minutes"/> (15 or 60).</summary>
public readonly record struct DayAheadPrice(Instant Start, int Minutes, double PerKWh)
{
    public Instant End => Start + Duration.FromMinutes(Minutes);
}

/// <summary>
/// Day-ahead prices as last fetched (docs/tariffs.md, "Day-ahead feed", has both shapes). Pure:
/// a loader fetches the text, <see cref="ParseJson"/>/<see cref="ParseCsv"/> validate it, and
/// <see cref="PriceAt"/> answers only while the fetch is fresh; otherwise the caller falls back
/// to its time-of-use tariff.
/// </summary>
public sealed class DayAheadPrices
{
    readonly DayAheadPrice[] prices; // sorted, not overlapping

    DayAheadPrices(DayAheadPrice[] prices, Instant fetchedAt)
    {
        this.prices = prices;
        FetchedAt = fetchedAt;
    }

    public Instant FetchedAt { get; }
    public IReadOnlyList<DayAheadPrice> Prices => prices;

    /// <summary>The feed's price at <paramref name="at"/>, or null when the feed is stale at <paramref name="now"/> or has no price then.</summary>
    public double? PriceAt(Instant at, Instant now, Duration staleAfter)
    {
        if (now - FetchedAt > staleAfter) return null;
        int lo = 0, hi = prices.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (prices[mid].End <= at) lo = mid + 1;
            else if (prices[mid].Start > at) hi = mid - 1;
            else return prices[mid].PerKWh;
        }
        return null;
    }

    /// <summary>
    /// JSON: <c>{"prices":[{"start":"2026-12-05T00:00:00+01:00","minutes":15,"pricePerKWh":0.2131}, ...]}</c>;
    /// <c>start</c> an ISO-8601 instant with its offset (or Z), <c>minutes</c> 15 or 60.
    /// </summary>
    public static DayAheadPrices ParseJson(string json, Instant fetchedAt)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new PriceFeedException("$", $"not JSON (line {e.LineNumber + 1}): {e.Message}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("prices", out var list)
                || list.ValueKind != JsonValueKind.Array)
                throw new PriceFeedException("$.prices", "the document needs an array \"prices\"");
            var result = new List<(DayAheadPrice, string)>();
            var i = 0;
            foreach (var e in list.EnumerateArray())
            {
                var at = $"$.prices[{i++}]";
                if (e.ValueKind != JsonValueKind.Object) throw new PriceFeedException(at, "an entry must be an object");
                var start = e.TryGetProperty("start", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                var minutes = e.TryGetProperty("minutes", out var m) && m.TryGetInt32(out var mi) ? mi : (int?)null;
                var price = e.TryGetProperty("pricePerKWh", out var p) && p.TryGetDouble(out var pd) ? pd : (double?)null;
                result.Add((Entry(at, start, minutes, price), at));
            }
            return Build(result, fetchedAt);
        }
    }

    /// <summary>CSV: a header <c>start,minutes,pricePerKWh</c>, then one price a line, e.g. <c>2026-12-05T00:00:00+01:00,15,0.2131</c>.</summary>
    public static DayAheadPrices ParseCsv(string csv, Instant fetchedAt)
    {
        var lines = csv.Split('\n');
        if (lines.Length == 0 || lines[0].Trim().TrimStart('\uFEFF').Replace(" ", "") != "start,minutes,pricePerKWh")
            throw new PriceFeedException("line 1", "the header must be \"start,minutes,pricePerKWh\"");
        var result = new List<(DayAheadPrice, string)>();
        for (var n = 1; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var at = $"line {n + 1}";
            var cells = line.Split(',', StringSplitOptions.TrimEntries);
            if (cells.Length != 3) throw new PriceFeedException(at, $"\"{line}\" needs 3 cells: start,minutes,pricePerKWh");
            int? minutes = int.TryParse(cells[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var mi) ? mi : null;
            double? price = double.TryParse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var pd) ? pd : null;
            result.Add((Entry(at, cells[0], minutes, price), at));
        }
        return Build(result, fetchedAt);
    }

    static DayAheadPrice Entry(string at, string? start, int? minutes, double? price)
    {
        if (start is null || !DateTimeOffset.TryParseExact(start, ["yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mmzzz"],
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            throw new PriceFeedException(at, $"start \"{start}\" is not an ISO-8601 time with its offset, e.g. 2026-12-05T00:00:00+01:00");
        if (minutes is not (15 or 60)) throw new PriceFeedException(at, $"minutes must be 15 or 60, not {minutes?.ToString(CultureInfo.InvariantCulture) ?? "missing"}");
        var instant = Instant.FromDateTimeOffset(when);
        if (instant.ToUnixTimeSeconds() % (15 * 60) != 0) throw new PriceFeedException(at, $"start {start} is not on a quarter hour");
        if (price is not { } p || double.IsNaN(p) || double.IsInfinity(p) || Math.Abs(p) > 100)
            throw new PriceFeedException(at, "pricePerKWh must be a number between -100 and 100 (negative prices happen)");
        return new DayAheadPrice(instant, minutes.Value, p);
    }

    static DayAheadPrices Build(List<(DayAheadPrice Price, string At)> entries, Instant fetchedAt)
    {
        entries.Sort((a, b) => a.Price.Start.CompareTo(b.Price.Start));
        for (var i = 1; i < entries.Count; i++)
            if (entries[i].Price.Start < entries[i - 1].Price.End)
                throw new PriceFeedException(entries[i].At, $"overlaps the price of {entries[i - 1].At}");
        return new DayAheadPrices([.. entries.Select(e => e.Price)], fetchedAt);
    }
}
