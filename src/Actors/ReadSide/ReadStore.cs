using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using SmartElek.Actors.Persistence;

namespace SmartElek.Actors.ReadSide;

/// <summary>
/// The read tables, in the journal's own database (SQLite or PostgreSQL): sessions, energy per
/// charger per day, each charger's energy cursor and each projection's offset. A batch of events is
/// applied in one transaction together with its offset, and only events past the stored offset are
/// applied: after a crash nothing is counted twice, and two nodes projecting into one PostgreSQL
/// serialise on the offset row (SELECT ... FOR UPDATE) so the second skips what the first applied.
/// </summary>
public sealed class ReadStore
{
    private readonly PersistenceProvider _provider;
    private readonly string _connectionString;

    private readonly TimeSpan? _readingSpread;

    /// <param name="readingSpread">How far before a durable reading its growth is spread (see <see cref="EnergyDays.Read"/>); null: the whole gap.</param>
    public ReadStore(PersistenceOptions options, Func<string, string?>? environment = null, TimeSpan? readingSpread = null)
    {
        _readingSpread = readingSpread;
        _provider = options.Provider;
        _connectionString = options.ConnectionString(environment);
        SqliteFile = options.Provider == PersistenceProvider.Sqlite ? options.SqliteFilePath : null;
    }

    /// <summary>The SQLite file, or null on PostgreSQL.</summary>
    public string? SqliteFile { get; }

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
        "CREATE TABLE IF NOT EXISTS read_energy_cursor (charger TEXT PRIMARY KEY, at BIGINT NOT NULL, register_wh DOUBLE PRECISION NOT NULL)",
        "CREATE TABLE IF NOT EXISTS read_energy_days (charger TEXT NOT NULL, day TEXT NOT NULL, energy_wh DOUBLE PRECISION NOT NULL, PRIMARY KEY (charger, day))",
    ];

    /// <summary>Creates the read tables if they are missing (idempotent; every node may call it).</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        await using var tx = await connection.BeginTransactionAsync(cancel);
        // Two nodes creating the same table at once collide in PostgreSQL's catalogue; one lock orders them.
        if (_provider == PersistenceProvider.PostgreSql)
            await ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(4500)", cancel);
        foreach (var statement in Schema)
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
        var days = new Dictionary<(ChargerId, DateOnly), double>();
        foreach (var fact in fresh.Select(f => f.Fact))
        {
            switch (fact)
            {
                case SessionFact s:
                    var key = (s.Charger, s.Event.SessionId);
                    if (!sessions.TryGetValue(key, out var row))
                        row = await LoadSessionAsync(connection, tx, s.Charger, s.Event.SessionId, cancel);
                    sessions[key] = SessionRecord.Apply(row, s.Charger, s.Event);
                    break;
                case EnergyReadingFact r:
                    if (!cursors.TryGetValue(r.Charger, out var cursor))
                        cursor = await LoadCursorAsync(connection, tx, r.Charger, cancel);
                    var (next, split) = EnergyDays.Read(cursor, r.At, r.RegisterWh, _readingSpread);
                    cursors[r.Charger] = next;
                    foreach (var d in split)
                        days[(r.Charger, d.Day)] = days.GetValueOrDefault((r.Charger, d.Day)) + d.EnergyWh;
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
                    "INSERT INTO read_energy_cursor (charger, at, register_wh) VALUES (@c, @a, @w) ON CONFLICT (charger) DO UPDATE SET at = excluded.at, register_wh = excluded.register_wh",
                    cancel, ("c", charger.Value), ("a", c.At.ToUnixTimeMilliseconds()), ("w", c.RegisterWh));
        foreach (var ((charger, day), wh) in days)
            await ExecuteAsync(connection, tx,
                "INSERT INTO read_energy_days (charger, day, energy_wh) VALUES (@c, @d, @e) ON CONFLICT (charger, day) DO UPDATE SET energy_wh = read_energy_days.energy_wh + excluded.energy_wh",
                cancel, ("c", charger.Value), ("d", Day(day)), ("e", wh));

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

    /// <summary>Sessions plugged in within the period (newest first), of one charger or of the whole site.</summary>
    public async Task<IReadOnlyList<SessionRecord>> SessionsAsync(ReadPeriod period, ChargerId? charger = null, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        var (from, to) = period.UnixMillisecondRange();
        var sql = SessionColumns + " FROM read_sessions WHERE plugged_in_at >= @f AND plugged_in_at < @t"
            + (charger is null ? "" : " AND charger = @c") + " ORDER BY plugged_in_at DESC, charger";
        await using var command = Command(connection, null, sql, WithCharger(charger, ("f", from), ("t", to)));
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var rows = new List<SessionRecord>();
        while (await reader.ReadAsync(cancel)) rows.Add(ReadSession(reader));
        return rows;
    }

    /// <summary>Energy per charger per day within the period, by day then charger.</summary>
    public async Task<IReadOnlyList<ChargerDayEnergy>> EnergyByChargerAndDayAsync(ReadPeriod period, ChargerId? charger = null, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        var (from, to) = period.DayRange();
        var sql = "SELECT day, charger, energy_wh FROM read_energy_days WHERE day >= @f AND day <= @t"
            + (charger is null ? "" : " AND charger = @c") + " ORDER BY day, charger";
        await using var command = Command(connection, null, sql, WithCharger(charger, ("f", from), ("t", to)));
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var rows = new List<ChargerDayEnergy>();
        while (await reader.ReadAsync(cancel))
            rows.Add(new ChargerDayEnergy(DateOnly.ParseExact(reader.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                new ChargerId(reader.GetString(1)), reader.GetDouble(2)));
        return rows;
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
        "SELECT charger, session_id, plugged_in_at, plugged_out_at, charging_started_at, charging_stopped_at, authorised_by, start_register_wh, end_register_wh, energy_wh, peak_amps, stop_reason";

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
        await using var command = Command(connection, tx, SessionColumns + " FROM read_sessions WHERE charger = @c AND session_id = @s",
            ("c", charger.Value), ("s", sessionId));
        await using var reader = await command.ExecuteReaderAsync(cancel);
        return await reader.ReadAsync(cancel) ? ReadSession(reader) : null;
    }

    private static async Task<EnergyCursor?> LoadCursorAsync(DbConnection connection, DbTransaction tx, ChargerId charger, CancellationToken cancel)
    {
        await using var command = Command(connection, tx, "SELECT at, register_wh FROM read_energy_cursor WHERE charger = @c", ("c", charger.Value));
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
            ("po", NullableValue.Of(s.PluggedOutAt?.ToUnixTimeMilliseconds(), DbType.Int64)),
            ("cs", NullableValue.Of(s.ChargingStartedAt?.ToUnixTimeMilliseconds(), DbType.Int64)),
            ("ce", NullableValue.Of(s.ChargingStoppedAt?.ToUnixTimeMilliseconds(), DbType.Int64)),
            ("by", NullableValue.Of(s.AuthorisedBy, DbType.String)), ("rs", s.StartRegisterWh),
            ("re", NullableValue.Of(s.EndRegisterWh, DbType.Double)), ("e", s.EnergyWh), ("pk", s.PeakAmps),
            ("why", NullableValue.Of(s.StopReason, DbType.String)));

    // A value of a nullable column with its type: Npgsql cannot infer the type of a bare null.
    private sealed record NullableValue(object? Value, DbType Type)
    {
        public static NullableValue Of(object? value, DbType type) => new(value, type);
    }

    private static (string, object?)[] WithCharger(ChargerId? charger, params (string, object?)[] parameters) =>
        charger is { } c ? [.. parameters, ("c", c.Value)] : parameters;

    internal static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task<DbConnection> OpenAsync(CancellationToken cancel)
    {
        DbConnection connection = _provider == PersistenceProvider.Sqlite
            ? new SqliteConnection(_connectionString)
            : new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancel);
        return connection;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = "@" + name;
            if (value is NullableValue n)
            {
                p.DbType = n.Type;
                p.Value = n.Value ?? DBNull.Value;
            }
            else
            {
                p.Value = value ?? DBNull.Value;
            }
            command.Parameters.Add(p);
        }
        return command;
    }

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

/// <summary>Days from <see cref="From"/> to <see cref="To"/>, both included (UTC); null = open.</summary>
public readonly record struct ReadPeriod(DateOnly? From, DateOnly? To)
{
    public static readonly ReadPeriod All = new(null, null);

    internal (long From, long To) UnixMillisecondRange() =>
        (From is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds() : long.MinValue,
         To is { } t ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds() : long.MaxValue);

    internal (string From, string To) DayRange() =>
        (From is { } f ? ReadStore.Day(f) : "0000-01-01", To is { } t ? ReadStore.Day(t) : "9999-12-31");
}

public sealed record ChargerDayEnergy(DateOnly Day, ChargerId Charger, double EnergyWh);

public sealed record SiteDayEnergy(DateOnly Day, double EnergyWh, int Chargers);

/// <summary>Energy over a period and what it costs at one price per kWh.</summary>
public sealed record EnergyTotals(double EnergyWh, double TariffPerKwh, double Cost)
{
    public static EnergyTotals Of(double energyWh, double tariffPerKwh) => new(energyWh, tariffPerKwh, energyWh / 1000 * tariffPerKwh);
}
