using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NodaTime;
using SmartElek.Host.Planning;
using SmartElek.Tariffs;

namespace SmartElek.Host.Tests;

/// <summary>
/// The day-ahead price feed's refresh against a real file and a real HTTP server on 127.0.0.1: prices taken into the
/// node's tariffs, a bad document refused naming its entry with the old prices kept, and the time-of-use price once
/// the last prices are stale.
/// </summary>
public sealed class PriceFeedRefreshTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("smartelek-feed-").FullName;
    readonly Logger log = new();
    static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    static readonly Instant Start = Instant.FromUtc(2026, 12, 5, 0, 0);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    sealed class Logger : ILogger<PriceFeedRefresh>
    {
        public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue((logLevel, formatter(state, exception)));
    }

    sealed class FixedClock(Instant now) : IClock
    {
        public Instant GetCurrentInstant() => now;
    }

    static TariffBook Book(string source, string format, int refreshMinutes = 60) => TariffConfiguration.Parse($$"""
        { "currency": "EUR", "defaultTariff": "market",
          "tariffs": { "market": { "followsFeed": true, "feedMarkupPerKWh": 0.02,
            "seasons": [ { "name": "all", "from": "01-01", "to": "12-31", "basePerKWh": 0.30, "bands": [] } ] } },
          "feed": { "source": "{{source}}", "format": "{{format}}", "refreshMinutes": {{refreshMinutes}}, "staleAfterHours": 36 } }
        """);

    static string Json(params double[] prices) =>
        "{ \"prices\": [" + string.Join(",", prices.Select((p, i) =>
            $"{{ \"start\": \"{(Start + Duration.FromMinutes(15 * i)).ToDateTimeOffset():yyyy-MM-dd'T'HH:mm:ss'Z'}\", \"minutes\": 15, \"pricePerKWh\": {p.ToString(System.Globalization.CultureInfo.InvariantCulture)} }}")) + "] }";

    static double PriceAt(LiveTariffs tariffs, int slot, Instant now) =>
        tariffs.Current!.PriceAt(null, Start + Duration.FromMinutes(15 * slot), now, Zone).PerKWh;

    [Fact]
    public async Task Prices_from_a_file_are_taken_and_a_bad_document_is_refused_naming_its_entry_with_the_old_prices_kept()
    {
        File.WriteAllText(Path.Combine(folder, "prices.json"), Json(0.10, 0.20, -0.01));
        var tariffs = new LiveTariffs(Book("prices.json", "json"));
        var changed = 0;
        tariffs.Changed += _ => changed++;
        var feed = new PriceFeedRefresh(tariffs, folder, log, new FixedClock(Start));

        var fetch = await feed.FetchAsync(CancellationToken.None);
        Assert.Equal(new FeedFetch(true, 3, null), fetch);
        Assert.Equal(1, changed);
        Assert.Equal(0.22, PriceAt(tariffs, 1, Start), 9);
        Assert.Equal(0.01, PriceAt(tariffs, 2, Start), 9);

        // Overlapping entries: refused, the entry named, the old prices stay.
        File.WriteAllText(Path.Combine(folder, "prices.json"), """
            { "prices": [ { "start": "2026-12-05T00:00:00Z", "minutes": 60, "pricePerKWh": 0.5 },
                          { "start": "2026-12-05T00:15:00Z", "minutes": 15, "pricePerKWh": 0.6 } ] }
            """);
        var bad = await feed.FetchAsync(CancellationToken.None);
        Assert.False(bad.Taken);
        Assert.Contains("$.prices[1]", bad.Problem);
        Assert.Equal(1, changed);
        Assert.Equal(0.22, PriceAt(tariffs, 1, Start), 9);
        var warning = Assert.Single(log.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains("$.prices[1]", warning.Text);
        Assert.Contains("stay in force", warning.Text);

        // Once the last prices are stale (36 h), the time-of-use price applies by itself.
        Assert.Equal(0.30, PriceAt(tariffs, 1, Start + Duration.FromHours(37)), 9);
        // A missing file is refused the same way.
        File.Delete(Path.Combine(folder, "prices.json"));
        Assert.Contains("cannot be fetched", (await feed.FetchAsync(CancellationToken.None)).Problem);
    }

    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task Prices_from_an_http_endpoint_in_csv_are_taken_and_an_error_answer_keeps_the_old_ones()
    {
        var port = FreePort();
        using var server = new HttpListener();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var answers = new ConcurrentQueue<(int Status, string Body)>();
        answers.Enqueue((200, "start,minutes,pricePerKWh\n# day-ahead\n2026-12-05T00:00:00Z,60,0.2131\n2026-12-05T02:00:00+01:00,15,0.1987\n"));
        answers.Enqueue((503, "down"));
        var serving = Task.Run(async () =>
        {
            while (answers.TryDequeue(out var answer))
            {
                var context = await server.GetContextAsync();
                context.Response.StatusCode = answer.Status;
                var bytes = System.Text.Encoding.UTF8.GetBytes(answer.Body);
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
        var tariffs = new LiveTariffs(Book($"http://127.0.0.1:{port}/prices.csv", "csv"));
        var feed = new PriceFeedRefresh(tariffs, folder, log, new FixedClock(Start));

        Assert.Equal(new FeedFetch(true, 2, null), await feed.FetchAsync(CancellationToken.None));
        Assert.Equal(0.2331, PriceAt(tariffs, 3, Start), 9);
        Assert.Equal(0.2187, PriceAt(tariffs, 4, Start), 9); // 02:00+01:00 is 01:00Z
        var refused = await feed.FetchAsync(CancellationToken.None);
        Assert.False(refused.Taken);
        Assert.Contains("cannot be fetched", refused.Problem);
        Assert.Equal(0.2331, PriceAt(tariffs, 3, Start), 9);
        await serving;
    }

    static async Task Until(string what, Func<bool> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"waited 30 s for {what}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task The_running_service_fetches_again_every_refresh_and_the_new_prices_replace_the_old()
    {
        File.WriteAllText(Path.Combine(folder, "prices.json"), Json(0.10, 0.20));
        var configured = Book("prices.json", "json");
        // Every 200 ms instead of the configuration's whole minutes, so that the test sees two fetches.
        var book = new TariffBook(configured.Currency, configured.DefaultTariff, configured.Tariffs, configured.Groups,
            configured.Feed! with { Refresh = Duration.FromMilliseconds(200) });
        var tariffs = new LiveTariffs(book);
        using var feed = new PriceFeedRefresh(tariffs, folder, log, new FixedClock(Start));
        await feed.StartAsync(CancellationToken.None);
        try
        {
            await Until("the first prices", () => tariffs.Current?.DayAhead is not null);
            Assert.Equal(0.22, PriceAt(tariffs, 1, Start), 9);
            File.WriteAllText(Path.Combine(folder, "prices.json"), Json(0.10, 0.40));
            await Until("the new prices", () => Math.Abs(PriceAt(tariffs, 1, Start) - 0.42) < 1e-9);
        }
        finally
        {
            await feed.StopAsync(CancellationToken.None);
        }
    }
}
