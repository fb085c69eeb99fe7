using System.Data.Common;
using SmartElek.Charger.Sessions;

namespace SmartElek.Actors.ReadSide;

/// <summary>
/// Session costs (docs/tariffs.md, "The cost of a session"): each session's energy per quarter hour of UTC,
/// the tariff it pays, and every tariff's price of each quarter hour in which energy was taken, kept as it
/// was in force then. A later tariff file or a new day-ahead fetch prices only later quarter hours.
/// </summary>
public sealed partial class ReadStore
{
    private const long QuarterMs = 15 * 60 * 1000;

    // New tables only (CREATE ... IF NOT EXISTS): a database from before keeps every row readable; its
    // sessions projected before simply have no tariff and show no cost.
    private static readonly string[] CostSchema =
    [
        "CREATE TABLE IF NOT EXISTS read_session_tariffs (charger TEXT NOT NULL, session_id TEXT NOT NULL, tariff TEXT NOT NULL, driver_group TEXT NULL, currency TEXT NOT NULL, PRIMARY KEY (charger, session_id))",
        "CREATE TABLE IF NOT EXISTS read_session_quarters (charger TEXT NOT NULL, session_id TEXT NOT NULL, quarter_start BIGINT NOT NULL, energy_wh DOUBLE PRECISION NOT NULL, PRIMARY KEY (charger, session_id, quarter_start))",
        "CREATE TABLE IF NOT EXISTS read_quarter_prices (tariff TEXT NOT NULL, quarter_start BIGINT NOT NULL, per_kwh DOUBLE PRECISION NOT NULL, currency TEXT NOT NULL, words TEXT NOT NULL, PRIMARY KEY (tariff, quarter_start))",
    ];

    /// <summary>What one batch adds to the cost tables.</summary>
    private sealed class CostBatch
    {
        public readonly Dictionary<(ChargerId, string), (SessionTariff Tariff, bool Authorised)> Tariffs = [];
        public readonly Dictionary<(ChargerId, string, long), double> Quarters = [];
        // Quarter hours to price, each as known at the time of its energy (the earliest seen).
        public readonly Dictionary<long, DateTimeOffset> ToPrice = [];

        public void Price(DateTimeOffset quarter, DateTimeOffset knownAt)
        {
            var key = quarter.ToUnixTimeMilliseconds();
            if (!ToPrice.TryGetValue(key, out var seen) || knownAt < seen) ToPrice[key] = knownAt;
        }
    }

    /// <summary>The driver groups of the sessions authorised in <paramref name="facts"/>, asked before the transaction opens.</summary>
    private async Task<Dictionary<(ChargerId, string), string?>> GroupsOfAsync(IReadOnlyList<JournalledFact> facts, CancellationToken cancel)
    {
        var groups = new Dictionary<(ChargerId, string), string?>();
        if (_pricing is null) return groups;
        foreach (var fact in facts)
            if (fact.Fact is SessionFact { Event: SessionEvents.Authorised a } s && !groups.ContainsKey((s.Charger, a.By)))
                groups[(s.Charger, a.By)] = await _pricing.Groups.GroupOfAsync(s.Charger, a.By, cancel);
        return groups;
    }

    // The default tariff from the plug-in, the driver's group's from the authorisation; the quarter hour a
    // session stops in is priced then, for its energy after its last durable reading.
    private void NoteSession(CostBatch batch, SessionFact s, IReadOnlyDictionary<(ChargerId, string), string?> groups)
    {
        if (_pricing?.Book is not { } book) return;
        var key = (s.Charger, s.Event.SessionId);
        switch (s.Event)
        {
            case SessionEvents.PluggedIn when !batch.Tariffs.ContainsKey(key):
                batch.Tariffs[key] = (TariffPrices.TariffOf(book, null), false);
                break;
            case SessionEvents.Authorised a:
                batch.Tariffs[key] = (TariffPrices.TariffOf(book, groups.GetValueOrDefault((s.Charger, a.By))), true);
                break;
            case SessionEvents.Stopped or SessionEvents.PluggedOut:
                batch.Price(EnergyDays.SliceOf(s.Event.At), s.Event.At);
                break;
        }
    }

    // A reading of a session: its growth since the session's newest reading (or its plug-in's register) by quarter
    // hour, and the newest reading moved on. An older reading than the newest (a clock set back) counts later, in the next.
    private async Task NoteReadingAsync(DbConnection connection, DbTransaction tx, CostBatch batch, Dictionary<(ChargerId, string), EnergyCursor> progress,
        IReadOnlyDictionary<(ChargerId, string), SessionRecord?> sessions, EnergyReadingFact r, string session, CancellationToken cancel)
    {
        var key = (r.Charger, session);
        EnergyCursor? newest = progress.TryGetValue(key, out var seen) ? seen : await LoadProgressAsync(connection, tx, r.Charger, session, cancel);
        if (newest is { } n && r.At < n.At) return;
        progress[key] = new EnergyCursor(r.At, r.RegisterWh);
        var from = newest ?? await SessionStartAsync(connection, tx, sessions, r.Charger, session, cancel);
        if (from is not { } f || r.At < f.At) return;
        foreach (var part in EnergyDays.Read(f, r.At, r.RegisterWh, _readingSpread).Slices)
        {
            var quarter = (r.Charger, session, part.Start.ToUnixTimeMilliseconds());
            batch.Quarters[quarter] = batch.Quarters.GetValueOrDefault(quarter) + part.EnergyWh;
            batch.Price(part.Start, r.At);
        }
    }

    private static async Task<EnergyCursor?> LoadProgressAsync(DbConnection connection, DbTransaction tx, ChargerId charger, string session, CancellationToken cancel)
    {
        await using var command = Command(connection, tx, "SELECT at, register_wh FROM read_session_progress WHERE charger = @c AND session_id = @s",
            ("c", charger.Value), ("s", session));
        await using var reader = await command.ExecuteReaderAsync(cancel);
        return await reader.ReadAsync(cancel) ? new EnergyCursor(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetDouble(1)) : null;
    }

    // The register at plug-in: the first reading's growth since then is the session's. A session the sessions
    // projection has not written yet: nothing before its first reading (an ended session's kept cost takes it in with its tail).
    private static async Task<EnergyCursor?> SessionStartAsync(DbConnection connection, DbTransaction tx,
        IReadOnlyDictionary<(ChargerId, string), SessionRecord?> sessions, ChargerId charger, string session, CancellationToken cancel)
    {
        var row = sessions.TryGetValue((charger, session), out var inBatch) ? inBatch : await LoadSessionAsync(connection, tx, charger, session, cancel);
        return row is null ? null : new EnergyCursor(row.PluggedInAt, row.StartRegisterWh);
    }

    private async Task WriteCostsAsync(DbConnection connection, DbTransaction tx, CostBatch batch, CancellationToken cancel)
    {
        foreach (var ((charger, session), (tariff, authorised)) in batch.Tariffs)
            await ExecuteAsync(connection, tx,
                "INSERT INTO read_session_tariffs (charger, session_id, tariff, driver_group, currency) VALUES (@c, @s, @t, @g, @cur) ON CONFLICT (charger, session_id) "
                + (authorised ? "DO UPDATE SET tariff = excluded.tariff, driver_group = excluded.driver_group, currency = excluded.currency" : "DO NOTHING"),
                cancel, ("c", charger.Value), ("s", session), ("t", tariff.Tariff),
                ("g", Persistence.SqlValue.Of(tariff.DriverGroup, System.Data.DbType.String)), ("cur", tariff.Currency));
        foreach (var ((charger, session, quarter), wh) in batch.Quarters)
            await ExecuteAsync(connection, tx,
                "INSERT INTO read_session_quarters (charger, session_id, quarter_start, energy_wh) VALUES (@c, @s, @q, @e) ON CONFLICT (charger, session_id, quarter_start) DO UPDATE SET energy_wh = read_session_quarters.energy_wh + excluded.energy_wh",
                cancel, ("c", charger.Value), ("s", session), ("q", quarter), ("e", wh));
        if (_pricing?.Book is not { } book) return;
        // The first price kept for a quarter hour stays: the one in force when its energy was taken.
        foreach (var (quarter, knownAt) in batch.ToPrice)
            foreach (var price in TariffPrices.Of(book, DateTimeOffset.FromUnixTimeMilliseconds(quarter), knownAt, _pricing.Zone))
                await ExecuteAsync(connection, tx,
                    "INSERT INTO read_quarter_prices (tariff, quarter_start, per_kwh, currency, words) VALUES (@t, @q, @p, @cur, @w) ON CONFLICT (tariff, quarter_start) DO NOTHING",
                    cancel, ("t", price.Tariff), ("q", quarter), ("p", price.PerKWh), ("cur", price.Currency), ("w", price.Words));
    }

    // Columns 14.. of the sessions query: the session's tariff, and its price of the quarter hour it stopped in.
    private const string CostColumns = ", t.tariff, t.driver_group, t.currency, e.per_kwh";

    private const string CostJoins =
        " LEFT JOIN read_session_tariffs t ON t.charger = s.charger AND t.session_id = s.session_id"
        + " LEFT JOIN read_quarter_prices e ON e.tariff = t.tariff AND e.quarter_start = (COALESCE(s.charging_stopped_at, s.plugged_out_at) / 900000) * 900000";

    /// <summary>Per session of the selection: Wh priced, its cost (Wh × price per kWh), Wh without a kept price.</summary>
    private static async Task<Dictionary<(string, string), (double PricedWh, double WhTimesPrice, double UnpricedWh)>> QuarterSumsAsync(
        DbConnection connection, string where, (string, object?)[] parameters, CancellationToken cancel)
    {
        var sql = """
            SELECT q.charger, q.session_id,
              SUM(CASE WHEN pr.per_kwh IS NULL THEN 0.0 ELSE q.energy_wh END),
              SUM(CASE WHEN pr.per_kwh IS NULL THEN 0.0 ELSE q.energy_wh * pr.per_kwh END),
              SUM(CASE WHEN pr.per_kwh IS NULL THEN q.energy_wh ELSE 0.0 END)
            FROM read_sessions s
            JOIN read_session_quarters q ON q.charger = s.charger AND q.session_id = s.session_id
            JOIN read_session_tariffs t ON t.charger = s.charger AND t.session_id = s.session_id
            LEFT JOIN read_quarter_prices pr ON pr.tariff = t.tariff AND pr.quarter_start = q.quarter_start
            """ + where + " GROUP BY q.charger, q.session_id";
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var sums = new Dictionary<(string, string), (double, double, double)>();
        while (await reader.ReadAsync(cancel))
            sums[(reader.GetString(0), reader.GetString(1))] = (reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4));
        return sums;
    }

    private static SessionRecord WithCost(SessionRecord row, DbDataReader reader, IReadOnlyDictionary<(string, string), (double PricedWh, double WhTimesPrice, double UnpricedWh)> sums)
    {
        if (reader.IsDBNull(14)) return row;
        var tariff = new SessionTariff(reader.GetString(14), reader.IsDBNull(15) ? null : reader.GetString(15), reader.GetString(16));
        var (priced, whTimesPrice, unpriced) = sums.GetValueOrDefault((row.Charger.Value, row.SessionId));
        double? endPrice = reader.IsDBNull(17) ? null : reader.GetDouble(17);
        return row with { Cost = KeptCost.Of(tariff, priced, whTimesPrice / 1000, unpriced, row.EnergyWh, row.Running, endPrice) };
    }

    /// <summary>
    /// The priced quarter hours of one session, in time order: energy, the price kept for its tariff (null: none kept)
    /// and the tariff's words for it. Empty for a session without a tariff.
    /// </summary>
    public async Task<IReadOnlyList<CostQuarter>> CostQuartersAsync(ChargerId charger, string sessionId, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        await using var command = Command(connection, null,
            """
            SELECT q.quarter_start, q.energy_wh, pr.per_kwh, pr.words
            FROM read_session_quarters q
            JOIN read_session_tariffs t ON t.charger = q.charger AND t.session_id = q.session_id
            LEFT JOIN read_quarter_prices pr ON pr.tariff = t.tariff AND pr.quarter_start = q.quarter_start
            WHERE q.charger = @c AND q.session_id = @s ORDER BY q.quarter_start
            """, ("c", charger.Value), ("s", sessionId));
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var lines = new List<CostQuarter>();
        while (await reader.ReadAsync(cancel))
            lines.Add(new CostQuarter(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetDouble(1),
                reader.IsDBNull(2) ? null : reader.GetDouble(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        return lines;
    }

    /// <summary>One session with its energy and cost so far; null when the read side has no such session.</summary>
    public async Task<SessionRecord?> SessionAsync(ChargerId charger, string sessionId, CancellationToken cancel = default) =>
        (await QuerySessionsAsync(" WHERE s.charger = @c AND s.session_id = @s", [("c", charger.Value), ("s", sessionId)], cancel)).FirstOrDefault();

    /// <summary>Sessions neither stopped nor unplugged, whenever they began, with their energy and cost so far.</summary>
    public Task<IReadOnlyList<SessionRecord>> RunningSessionsAsync(CancellationToken cancel = default) =>
        QuerySessionsAsync(" WHERE s.charging_stopped_at IS NULL AND s.plugged_out_at IS NULL", [], cancel);
}

/// <summary>One quarter hour of a session's energy and the price kept for it (per kWh; null: none kept).</summary>
public sealed record CostQuarter(DateTimeOffset Start, double EnergyWh, double? PerKWh, string? Words)
{
    public double? Cost => PerKWh is { } p ? EnergyWh / 1000 * p : null;
}
