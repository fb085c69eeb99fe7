using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NodaTime;
using SmartElek.Actors.ReadSide;
using SmartElek.Tariffs;

namespace SmartElek.Operator.Api;

/// <summary>A session's cost so far as the dashboard shows it, and its tariff's price now (null: none, or the session ended).</summary>
public sealed record LiveCost(double Amount, string Currency, string Tariff, double? PerKWhNow);

/// <summary>
/// The cost so far of the sessions the dashboard shows, between the read side's durable readings: the cost kept
/// with the session up to its newest projected reading, plus the energy the charger reports since then at its
/// tariff's price now (the read side keeps that quarter hour's price once its reading lands). The kept costs are
/// read from the database at most every <see cref="Freshness"/>, and only while a page asks.
/// </summary>
public sealed class SessionCostsLive(ReadStore reads, LiveTariffs? tariffs, DateTimeZone zone, TimeProvider clock, ILogger<SessionCostsLive>? log = null)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);

    private volatile IReadOnlyDictionary<(string, string), SessionRecord> _kept = new Dictionary<(string, string), SessionRecord>();
    // Ended sessions keep their cost: read once.
    private readonly ConcurrentDictionary<(string, string), SessionRecord> _ended = new();
    // Sessions asked for since the last read that are not running: read one by one (as many as cards shown).
    private readonly ConcurrentDictionary<(string, string), byte> _asked = new();
    private long _readAtTicks;
    private int _reading;

    /// <summary>
    /// The cost so far of <paramref name="sessionId"/> on <paramref name="charger"/>, whose energy the charger reports as
    /// <paramref name="liveKwh"/>; null while the read side has no tariff for it (yet, or the site has none).
    /// </summary>
    public LiveCost? SoFar(string charger, string? sessionId, double liveKwh)
    {
        if (sessionId is null) return null;
        var key = (charger, sessionId);
        ReadSoonIfOld();
        var row = _ended.TryGetValue(key, out var ended) ? ended : _kept.GetValueOrDefault(key);
        if (row is null) _asked.TryAdd(key, 0);
        if (row?.Cost is not { } cost) return null;
        if (!row.Running || tariffs?.Current is not { } book) return new LiveCost(cost.Amount, cost.Currency, cost.Tariff, null);
        var now = Instant.FromDateTimeOffset(clock.GetUtcNow());
        var price = TariffPrices.PriceOf(book, cost.Tariff, now, now, zone)?.PerKWh;
        var sinceWh = liveKwh * 1000 - cost.PricedWh - cost.UnpricedWh;
        return new LiveCost(cost.Amount + (sinceWh > 0 && price is { } p ? sinceWh / 1000 * p : 0), cost.Currency, cost.Tariff, price);
    }

    private void ReadSoonIfOld()
    {
        var now = clock.GetUtcNow().UtcTicks;
        if (now - Interlocked.Read(ref _readAtTicks) < Freshness.Ticks || Interlocked.Exchange(ref _reading, 1) == 1) return;
        Interlocked.Exchange(ref _readAtTicks, now);
        _ = Task.Run(ReadAsync);
    }

    private async Task ReadAsync()
    {
        try
        {
            var running = (await reads.RunningSessionsAsync()).ToDictionary(r => (r.Charger.Value, r.SessionId));
            var asked = _asked.Keys.ToList();
            _asked.Clear();
            // The cards shown ask again for what they need: an ended session's cost is read at most once per page of them.
            if (_ended.Count > 10_000) _ended.Clear();
            foreach (var key in asked.Where(k => !running.ContainsKey(k) && !_ended.ContainsKey(k)))
                if (await reads.SessionAsync(new ChargerId(key.Item1), key.Item2) is { Running: false } done)
                    _ended[key] = done;
            _kept = running;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // The database does not answer: the costs shown stay as they were, and the next page render asks again.
            log?.LogDebug("Session costs not read: {Message}", e.Message);
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }
}
