using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using SmartElek.Tariffs;

namespace SmartElek.Host.Planning;

/// <summary>What one fetch of the day-ahead prices did: taken (how many prices), or why not (the entry or the transport named).</summary>
public sealed record FeedFetch(bool Taken, int Prices, string? Problem);

/// <summary>
/// Fetches the site's day-ahead prices (<c>feed</c> of the tariffs: a file, relative to the configuration folder, or an
/// http(s) URL; JSON or CSV) at start and every <see cref="FeedSettings.Refresh"/>, and puts them into the node's
/// <see cref="LiveTariffs"/> (the planner replans on it). A document that cannot be fetched or read is logged naming the
/// entry, and the previous prices stay in force; once they are older than <see cref="FeedSettings.StaleAfter"/> the
/// tariffs that follow the feed fall back to their time-of-use prices by themselves (<see cref="TariffBook.PriceAt"/>).
/// Without a feed configured it does nothing.
/// </summary>
public sealed class PriceFeedRefresh(LiveTariffs tariffs, string configFolder, ILogger<PriceFeedRefresh> log, IClock? clock = null) : BackgroundService
{
    readonly IClock clock = clock ?? SystemClock.Instance;
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (tariffs.Current?.Feed is not { } feed)
        {
            log.LogInformation("No day-ahead price feed configured: prices come from the time-of-use tariffs only");
            return;
        }
        log.LogInformation("Day-ahead prices from {Source} ({Format}) every {Minutes} min", feed.Source, feed.Format, feed.Refresh.TotalMinutes);
        using var timer = new PeriodicTimer(feed.Refresh.ToTimeSpan());
        do
        {
            await FetchAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One fetch: the prices go into <see cref="LiveTariffs"/>, or the problem is logged and the old prices stay.</summary>
    public async Task<FeedFetch> FetchAsync(CancellationToken cancel)
    {
        if (tariffs.Current?.Feed is not { } feed) return new FeedFetch(false, 0, "no feed configured");
        string document;
        try
        {
            document = Uri.TryCreate(feed.Source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                ? await Http.GetStringAsync(uri, cancel)
                : await File.ReadAllTextAsync(Path.GetFullPath(Path.Combine(configFolder, feed.Source)), cancel);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or UnauthorizedAccessException
                                       || (e is TaskCanceledException && !cancel.IsCancellationRequested))
        {
            return Refused(feed, $"cannot be fetched: {e.Message}");
        }
        DayAheadPrices prices;
        try
        {
            var now = clock.GetCurrentInstant();
            prices = feed.Format == "csv" ? DayAheadPrices.ParseCsv(document, now) : DayAheadPrices.ParseJson(document, now);
        }
        catch (PriceFeedException e)
        {
            return Refused(feed, e.Message);
        }
        var book = tariffs.Current!;
        tariffs.Replace(book.WithFeed(prices));
        log.LogInformation("Day-ahead prices taken from {Source}: {Count} prices", feed.Source, prices.Prices.Count);
        return new FeedFetch(true, prices.Prices.Count, null);
    }

    FeedFetch Refused(FeedSettings feed, string problem)
    {
        var last = tariffs.Current?.DayAhead;
        log.LogWarning("Day-ahead prices from {Source} not taken: {Problem}; {Previous}", feed.Source, problem,
            last is null
                ? "no day-ahead prices are in force: the time-of-use tariffs apply"
                : $"the prices fetched {last.FetchedAt} stay in force until {last.FetchedAt + feed.StaleAfter}, then the time-of-use tariffs apply");
        return new FeedFetch(false, 0, problem);
    }
}
