using System.Data;
using System.Data.Common;
using System.Globalization;
using NodaTime;
using SmartElek.Actors.Persistence;

namespace SmartElek.Actors.ReadSide;

/// <summary>
/// The read tables, in the journal's own database (SQLite or PostgreSQL): sessions, energy per
/// charger per quarter hour of UTC, each charger's energy cursor and each projection's offset. A batch of events is
/// applied in one transaction together with its offset, and only events past the stored offset are
/// applied: after a crash nothing is counted twice, and two nodes projecting into one PostgreSQL
/// serialise on the offset row (SELECT ... FOR UPDATE) so the second skips what the first applied.
/// </summary>
public sealed partial class ReadStore
{
    private readonly PersistenceProvider _provider;
    private readonly string _connectionString;

    private readonly TimeSpan? _readingSpread;
    private readonly SessionPricing? _pricing;

    /// <param name="readingSpread">How far before a durable reading its growth is spread (see <see cref="EnergyDays.Read"/>); null: the whole gap.</param>
    /// <param name="siteZone">The site's time zone: the days that queries take and return (null: UTC).</param>
    /// <param name="pricing">What a projecting store prices sessions with (null: sessions get no tariff and no prices are kept).</param>
    public ReadStore(PersistenceOptions options, Func<string, string?>? environment = null, TimeSpan? readingSpread = null, DateTimeZone? siteZone = null,
        SessionPricing? pricing = null)
    {
        _readingSpread = readingSpread;
        _pricing = pricing;
        SiteZone = siteZone ?? DateTimeZone.Utc;
        _provider = options.Provider;
        _connectionString = options.ConnectionString(environment);
        SqliteFile = options.Provider == PersistenceProvider.Sqlite ? options.SqliteFilePath : null;
    }

    /// <summary>The SQLite file, or null on PostgreSQL.</summary>
    public string? SqliteFile { get; }

    /// <summary>The zone whose days the queries take (<see cref="ReadPeriod"/>) and return.</summary>
    public DateTimeZone SiteZone { get; }

    private static readonly string[] Schema =
    [
        "CREATE TABLE IF NOT EXISTS read_projection_offset (projection TEXT PRIMARY KEY, ordering BIGINT NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS read_sessions (
          charger TEXT NOT NULL, session_id TEXT NOT NULL,
          plugged_in_at BIGINT NOT NULL, plugged_out_at BIGINT NULL,
          charging_started_at BIGINT NULL, charging_stopped_at BIGINT NULL,
          authorised_by TEXT NULL, start_register_wh DOUBLE PRECISION NOT NULL, end_register_wh DOUBLE PRECISION NULL,
          energy_wh DOUBLE PRECISION NOT NULL, peak_amps DOUBLE PRECISION NOT NULL, stop_reason TEXT NULL,
          PRIMARY KEY (charger, session_id))
        """,
        "CREATE INDEX IF NOT EXISTS read_sessions_plugged_in ON read_sessions (plugged_in_at)",
        "CREATE TABLE IF NOT EXISTS read_energy_slice_cursor (charger TEXT PRIMARY KEY, at BIGINT NOT NULL, register_wh DOUBLE PRECISION NOT NULL)",
        // Quarter hours of UTC (ms since 1970): the local day is chosen when reading (see EnergyDays).
        "CREATE TABLE IF NOT EXISTS read_energy_slices (charger TEXT NOT NULL, slice_start BIGINT NOT NULL, energy_wh DOUBLE PRECISION NOT NULL, PRIMARY KEY (charger, slice_start))",
        "CREATE INDEX IF NOT EXISTS read_energy_slices_start ON read_energy_slices (slice_start)",
        // The newest durable reading of each session: the energy so far of one that is still running.
        "CREATE TABLE IF NOT EXISTS read_session_progress (charger TEXT NOT NULL, session_id TEXT NOT NULL, at BIGINT NOT NULL, register_wh DOUBLE PRECISION NOT NULL, PRIMARY KEY (charger, session_id))",
    ];

    /// <summary>Creates the read tables if they are missing (idempotent; every node may call it).</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        await using var tx = await connection.BeginTransactionAsync(cancel);
        // Two nodes creating the same table at once collide in PostgreSQL's catalogue; one lock orders them.
        if (_provider == PersistenceProvider.PostgreSql)
            await ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(4500)", cancel);
        foreach (var statement in Schema.Concat(CostSchema))
            await ExecuteAsync(connection, tx, statement, cancel);
        await tx.CommitAsync(cancel);
    }

    /// <summary>The offset up to which <paramref name="projection"/> has been applied (0 = nothing yet).</summary>
    public async Task<long> OffsetAsync(ReadSideProjection projection, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        var value = await ScalarAsync(connection, null, "SELECT ordering FROM read_projection_offset WHERE projection = @p", cancel, ("p", projection.Name));
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Applies the facts past the stored offset and stores the new offset, in one transaction.
    /// Returns the stored offset afterwards.
    /// </summary>
    public async Task<long> ApplyAsync(ReadSideProjection projection, IReadOnlyList<JournalledFact> facts, CancellationToken cancel = default)
    {
        var groups = await GroupsOfAsync(facts, cancel);
        await using var connection = await OpenAsync(cancel);
        await using var tx = await connection.BeginTransactionAsync(cancel);
        await ExecuteAsync(connection, tx,
            "INSERT INTO read_projection_offset (projection, ordering) VALUES (@p, 0) ON CONFLICT (projection) DO NOTHING", cancel, ("p", projection.Name));
        var lockRow = _provider == PersistenceProvider.PostgreSql ? " FOR UPDATE" : "";
        var stored = Convert.ToInt64(
            await ScalarAsync(connection, tx, "SELECT ordering FROM read_projection_offset WHERE projection = @p" + lockRow, cancel, ("p", projection.Name)),
            CultureInfo.InvariantCulture);

        var fresh = facts.Where(f => f.Offset > stored).OrderBy(f => f.Offset).ToList();
        if (fresh.Count == 0)
        {
            await tx.RollbackAsync(cancel);
            return stored;
        }

        var sessions = new Dictionary<(ChargerId, string), SessionRecord?>();
        var cursors = new Dictionary<ChargerId, EnergyCursor?>();
        var slices = new Dictionary<(ChargerId, long), double>();
        var progress = new Dictionary<(ChargerId, string), EnergyCursor>();
        var costs = new CostBatch();
        foreach (var fact in fresh.Select(f => f.Fact))
        {
            switch (fact)
            {
                case SessionFact s:
                    var key = (s.Charger, s.Event.SessionId);
                    if (!sessions.TryGetValue(key, out var row))
                        row = await LoadSessionAsync(connection, tx, s.Charger, s.Event.SessionId, cancel);
                    sessions[key] = SessionRecord.Apply(row, s.Charger, s.Event);
                    NoteSession(costs, s, groups);
                    break;
                case EnergyReadingFact r:
                    if (!cursors.TryGetValue(r.Charger, out var cursor))
                        cursor = await LoadCursorAsync(connection, tx, r.Charger, cancel);
                    var (next, split) = EnergyDays.Read(cursor, r.At, r.RegisterWh, _readingSpread);
                    cursors[r.Charger] = next;
                    foreach (var slice in split)
                    {
                        var sliceKey = (r.Charger, slice.Start.ToUnixTimeMilliseconds());
                        slices[sliceKey] = slices.GetValueOrDefault(sliceKey) + slice.EnergyWh;
                    }
                    if (r.SessionId is { } session)
                        await NoteReadingAsync(connection, tx, costs, progress, sessions, r, session, cancel);
                    break;
                case RegisterResetFact z:
                    cursors[z.Charger] = EnergyDays.Reset(z.At);
                    break;
            }
        }

        foreach (var row in sessions.Values.OfType<SessionRecord>())
            await UpsertSessionAsync(connection, tx, row, cancel);
        foreach (var (charger, cursor) in cursors)
            if (cursor is { } c)
                await ExecuteAsync(connection, tx,
                    "INSERT INTO read_energy_slice_cursor (charger, at, register_wh) VALUES (@c, @a, @w) ON CONFLICT (charger) DO UPDATE SET at = excluded.at, register_wh = excluded.register_wh",
                    cancel, ("c", charger.Value), ("a", c.At.ToUnixTimeMilliseconds()), ("w", c.RegisterWh));
        foreach (var ((charger, start), wh) in slices)
            await ExecuteAsync(connection, tx,
                "INSERT INTO read_energy_slices (charger, slice_start, energy_wh) VALUES (@c, @s, @e) ON CONFLICT (charger, slice_start) DO UPDATE SET energy_wh = read_energy_slices.energy_wh + excluded.energy_wh",
                cancel, ("c", charger.Value), ("s", start), ("e", wh));
        foreach (var ((charger, session), reading) in progress)
            await ExecuteAsync(connection, tx,
                """
                INSERT INTO read_session_progress (charger, session_id, at, register_wh) VALUES (@c, @s, @a, @w)
                ON CONFLICT (charger, session_id) DO UPDATE SET at = excluded.at, register_wh = excluded.register_wh
                WHERE excluded.at >= read_session_progress.at
                """,
                cancel, ("c", charger.Value), ("s", session), ("a", reading.At.ToUnixTimeMilliseconds()), ("w", reading.RegisterWh));
        await WriteCostsAsync(connection, tx, costs, cancel);

        var offset = fresh[^1].Offset;
        await ExecuteAsync(connection, tx, "UPDATE read_projection_offset SET ordering = @o WHERE projection = @p", cancel, ("o", offset), ("p", projection.Name));
        await tx.CommitAsync(cancel);
        return offset;
    }

    /// <summary>
    /// The journal offset of the newest event of <paramref name="tag"/> (0 when none, or before the
    /// journal's tables exist): a projection at this offset is up to date.
    /// </summary>
    public async Task<long> LatestTaggedOffsetAsync(string tag, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        if (!await TableExistsAsync(connection, "tags", cancel)) return 0;
        var value = await ScalarAsync(connection, null, "SELECT MAX(ordering_id) FROM tags WHERE tag = @t", cancel, ("t", tag));
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    private async Task<bool> TableExistsAsync(DbConnection connection, string table, CancellationToken cancel)
    {
        var sql = _provider == PersistenceProvider.Sqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @n"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = @n";
        return Convert.ToInt64(await ScalarAsync(connection, null, sql, cancel, ("n", table)), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>
    /// Sessions plugged in within the period (days of <see cref="SiteZone"/>; newest first), of one charger
    /// or of the whole site. A session still running (neither stopped nor unplugged) carries its energy so
    /// far, from its newest durable reading (<see cref="SessionRecord.EnergyAsOf"/>).
    /// </summary>
    public Task<IReadOnlyList<SessionRecord>> SessionsAsync(ReadPeriod period, ChargerId? charger = null, CancellationToken cancel = default)
    {
        var (from, to) = period.UnixMillisecondRange(SiteZone);
        return QuerySessionsAsync(" WHERE s.plugged_in_at >= @f AND s.plugged_in_at < @t" + (charger is null ? "" : " AND s.charger = @c"),
            WithCharger(charger, ("f", from), ("t", to)), cancel);
    }

    // Sessions of read_sessions s selected by `where`, newest first, with their energy and cost so far.
    private async Task<IReadOnlyList<SessionRecord>> QuerySessionsAsync(string where, (string, object?)[] parameters, CancellationToken cancel)
    {
        await using var connection = await OpenAsync(cancel);
        var sums = await QuarterSumsAsync(connection, where, parameters, cancel);
        var sql = SessionColumns + ", p.at, p.register_wh" + CostColumns
            + " FROM read_sessions s LEFT JOIN read_session_progress p ON p.charger = s.charger AND p.session_id = s.session_id" + CostJoins
            + where + " ORDER BY s.plugged_in_at DESC, s.charger";
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var rows = new List<SessionRecord>();
        while (await reader.ReadAsync(cancel))
        {
            var row = ReadSession(reader);
            if (row.Running && !reader.IsDBNull(12))
                row = row with
                {
                    // A register reset within the session would make this negative: nothing, not less than nothing.
                    EnergyWh = Math.Max(0, reader.GetDouble(13) - row.StartRegisterWh),
                    EnergyAsOf = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12)),
                };
            rows.Add(WithCost(row, reader, sums));
        }
        return rows;
    }

    /// <summary>
    /// Energy per charger per day of <see cref="SiteZone"/> within the period, by day then charger. Today's
    /// rows hold the energy up to the newest durable reading (<see cref="LatestReadingAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<ChargerDayEnergy>> EnergyByChargerAndDayAsync(ReadPeriod period, ChargerId? charger = null, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        var (from, to) = period.UnixMillisecondRange(SiteZone);
        var sql = "SELECT charger, slice_start, energy_wh FROM read_energy_slices WHERE slice_start >= @f AND slice_start < @t"
            + (charger is null ? "" : " AND charger = @c");
        await using var command = Command(connection, null, sql, WithCharger(charger, ("f", from), ("t", to)));
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var slices = new List<(ChargerId Charger, EnergySlice Slice)>();
        while (await reader.ReadAsync(cancel))
            slices.Add((new ChargerId(reader.GetString(0)), new EnergySlice(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetDouble(2))));
        return slices.GroupBy(s => s.Charger)
            .SelectMany(g => EnergyDays.ByDay(g.Select(s => s.Slice), SiteZone).Select(d => new ChargerDayEnergy(d.Day, g.Key, d.EnergyWh)))
            .OrderBy(r => r.Day).ThenBy(r => r.Charger.Value, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>When the newest durable reading counted so far was taken (of one charger or the site); null before any.</summary>
    public async Task<DateTimeOffset?> LatestReadingAsync(ChargerId? charger = null, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        var value = await ScalarAsync(connection, null, "SELECT MAX(at) FROM read_energy_slice_cursor" + (charger is null ? "" : " WHERE charger = @c"), cancel,
            WithCharger(charger));
        return value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture));
    }

    /// <summary>The site's energy per day within the period (every charger that wrote to this database).</summary>
    public async Task<IReadOnlyList<SiteDayEnergy>> EnergyBySiteDayAsync(ReadPeriod period, CancellationToken cancel = default) =>
        (await EnergyByChargerAndDayAsync(period, null, cancel))
            .GroupBy(r => r.Day)
            .Select(g => new SiteDayEnergy(g.Key, g.Sum(r => r.EnergyWh), g.Count()))
            .ToList();

    /// <summary>Energy over the period and its cost at a flat tariff.</summary>
    public async Task<EnergyTotals> TotalsAsync(ReadPeriod period, double tariffPerKwh, ChargerId? charger = null, CancellationToken cancel = default)
    {
        var rows = await EnergyByChargerAndDayAsync(period, charger, cancel);
        return EnergyTotals.Of(rows.Sum(r => r.EnergyWh), tariffPerKwh);
    }

    private const string SessionColumns =
        "SELECT s.charger, s.session_id, s.plugged_in_at, s.plugged_out_at, s.charging_started_at, s.charging_stopped_at, s.authorised_by, s.start_register_wh, s.end_register_wh, s.energy_wh, s.peak_amps, s.stop_reason";

    private static SessionRecord ReadSession(DbDataReader r)
    {
        DateTimeOffset? Time(int i) => r.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));
        return new SessionRecord(
            new ChargerId(r.GetString(0)), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
            Time(3), Time(4), Time(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetDouble(7),
            r.IsDBNull(8) ? null : r.GetDouble(8), r.GetDouble(9), r.GetDouble(10), r.IsDBNull(11) ? null : r.GetString(11));
    }

    private static async Task<SessionRecord?> LoadSessionAsync(DbConnection connection, DbTransaction tx, ChargerId charger, string sessionId, CancellationToken cancel)
    {
        await using var command = Command(connection, tx, SessionColumns + " FROM read_sessions s WHERE s.charger = @c AND s.session_id = @s",
            ("c", charger.Value), ("s", sessionId));
        await using var reader = await command.ExecuteReaderAsync(cancel);
        return await reader.ReadAsync(cancel) ? ReadSession(reader) : null;
    }

    private static async Task<EnergyCursor?> LoadCursorAsync(DbConnection connection, DbTransaction tx, ChargerId charger, CancellationToken cancel)
    {
        await using var command = Command(connection, tx, "SELECT at, register_wh FROM read_energy_slice_cursor WHERE charger = @c", ("c", charger.Value));
        await using var reader = await command.ExecuteReaderAsync(cancel);
        return await reader.ReadAsync(cancel)
            ? new EnergyCursor(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetDouble(1))
            : null;
    }

    private static Task UpsertSessionAsync(DbConnection connection, DbTransaction tx, SessionRecord s, CancellationToken cancel) =>
        ExecuteAsync(connection, tx,
            """
            INSERT INTO read_sessions (charger, session_id, plugged_in_at, plugged_out_at, charging_started_at, charging_stopped_at,
              authorised_by, start_register_wh, end_register_wh, energy_wh, peak_amps, stop_reason)
            VALUES (@c, @s, @pi, @po, @cs, @ce, @by, @rs, @re, @e, @pk, @why)
            ON CONFLICT (charger, session_id) DO UPDATE SET
              plugged_in_at = excluded.plugged_in_at, plugged_out_at = excluded.plugged_out_at,
              charging_started_at = excluded.charging_started_at, charging_stopped_at = excluded.charging_stopped_at,
              authorised_by = excluded.authorised_by, start_register_wh = excluded.start_register_wh,
              end_register_wh = excluded.end_register_wh, energy_wh = excluded.energy_wh,
              peak_amps = excluded.peak_amps, stop_reason = excluded.stop_reason
            """, cancel,
            ("c", s.Charger.Value), ("s", s.SessionId), ("pi", s.PluggedInAt.ToUnixTimeMilliseconds()),
            ("po", SqlValue.Of(s.PluggedOutAt?.ToUnixTimeMilliseconds(), DbType.Int64)),
            ("cs", SqlValue.Of(s.ChargingStartedAt?.ToUnixTimeMilliseconds(), DbType.Int64)),
            ("ce", SqlValue.Of(s.ChargingStoppedAt?.ToUnixTimeMilliseconds(), DbType.Int64)),
            ("by", SqlValue.Of(s.AuthorisedBy, DbType.String)), ("rs", s.StartRegisterWh),
            ("re", SqlValue.Of(s.EndRegisterWh, DbType.Double)), ("e", s.EnergyWh), ("pk", s.PeakAmps),
            ("why", SqlValue.Of(s.StopReason, DbType.String)));

    private static (string, object?)[] WithCharger(ChargerId? charger, params (string, object?)[] parameters) =>
        charger is { } c ? [.. parameters, ("c", c.Value)] : parameters;

    private async Task<DbConnection> OpenAsync(CancellationToken cancel)
    {
        var connection = Sql.Connection(_provider, _connectionString);
        await connection.OpenAsync(cancel);
        return connection;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters) =>
        Sql.Command(connection, tx, sql, parameters);

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken cancel, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        await command.ExecuteNonQueryAsync(cancel);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken cancel, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        return await command.ExecuteScalarAsync(cancel);
    }
}

/// <summary>Days from <see cref="From"/> to <see cref="To"/>, both included, of the store's site zone; null = open.</summary>
public readonly record struct ReadPeriod(DateOnly? From, DateOnly? To)
{
    public static readonly ReadPeriod All = new(null, null);

    /// <summary>
    /// [first instant of From, first instant of the day after To) in ms since 1970 (UTC): the slices and sessions
    /// whose start <see cref="LocalDays.DayOf"/> puts in these days, no more, no less.
    /// </summary>
    internal (long From, long To) UnixMillisecondRange(DateTimeZone zone) =>
        (From is { } f ? LocalDays.StartOf(f, zone).ToUnixTimeMilliseconds() : long.MinValue,
         To is { } t ? LocalDays.StartOf(t.AddDays(1), zone).ToUnixTimeMilliseconds() : long.MaxValue);
}

public sealed record ChargerDayEnergy(DateOnly Day, ChargerId Charger, double EnergyWh);

public sealed record SiteDayEnergy(DateOnly Day, double EnergyWh, int Chargers);

/// <summary>Energy over a period and what it costs at one price per kWh.</summary>
public sealed record EnergyTotals(double EnergyWh, double TariffPerKwh, double Cost)
{
    public static EnergyTotals Of(double energyWh, double tariffPerKwh) => new(energyWh, tariffPerKwh, energyWh / 1000 * tariffPerKwh);
}
