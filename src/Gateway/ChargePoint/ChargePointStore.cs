using Microsoft.Data.Sqlite;
using Npgsql;
using SmartElek.Actors.Persistence;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// The charge points' durable memory in a SQLite file or a PostgreSQL database: each one's
/// transaction message queue, installed charging profiles, local list, changed configuration,
/// running transaction and authorisation cache (invariant 4). Tables rather than an event-sourced
/// actor: a delivered message is a deleted row (the table holds only what is still owed; a journal
/// would keep every message forever). Messages are kept as the OCPP CALL frames they will be sent
/// as, so the stored form is the protocol's own (<see cref="ChargePointSchema"/>).
/// <para>
/// Writes leave the charge points' actors at once and are committed by one writer thread in
/// batches (<see cref="GroupCommitWriter"/>: SQLite WAL with synchronous = FULL pays one fsync per
/// commit, so one commit for what 1,000 charge points changed meanwhile). Each charge point's
/// changes reach the database in the order it made them, a submission all or nothing, so the rows
/// are always a prefix of its history (<see cref="DurableChargePoint"/>); a queued message is
/// offered for sending only once its row is committed, and a delivered one is deleted only after
/// its CALLRESULT. A failing database (a SQLite file locked past the busy timeout, a PostgreSQL
/// server that stopped) is a <see cref="ChargePointStoreException"/> naming the store: the changes
/// are held in memory, in order, and written when it answers again on a new connection
/// (<see cref="StoreConnection"/>); only a process that ends while the database is down loses what
/// was held. The same SQL (named parameters, ON CONFLICT upserts) runs on both.
/// </para>
/// </summary>
public sealed class ChargePointStore : IDisposable
{
    private readonly StoreConnection _connection;
    private readonly GroupCommitWriter _writer;
    private readonly Dictionary<string, DurableChargePoint> _chargePoints = [];

    /// <summary>Where the data is (the SQLite file, or the PostgreSQL host and database; never a password).</summary>
    public string Location => _connection.Location;

    /// <summary>What the store did so far (see <see cref="StoreFigures"/>).</summary>
    public StoreFigures Figures => new(_connection.RoundTrips, _writer.Changes, _connection.Busy, _connection.Blocked);

    private ChargePointStore(StoreConnection connection)
    {
        _connection = connection;
        try
        {
            _connection.Execute(ChargePointSchema.Tables);
        }
        catch (ChargePointStoreException)
        {
            _connection.Dispose();
            throw;
        }
        _writer = new GroupCommitWriter(_connection);
    }

    /// <summary>A SQLite file (created with its folder when missing).</summary>
    /// <param name="busyTimeout">how long a statement waits for a lock another process holds before it fails (whole seconds, at least 1)</param>
    /// <param name="retryAfter">after a failure, how long calls fail at once before the database is tried again</param>
    public static ChargePointStore Sqlite(string filePath, TimeSpan? busyTimeout = null, TimeSpan? retryAfter = null)
    {
        var path = Path.GetFullPath(filePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path, Pooling = false, DefaultTimeout = Math.Max(1, (int)(busyTimeout ?? TimeSpan.FromSeconds(5)).TotalSeconds),
        };
        return new ChargePointStore(new StoreConnection(Sql.Connection(PersistenceProvider.Sqlite, builder.ToString()), path, ChargePointSchema.SqliteSetup,
            retryAfter ?? TimeSpan.FromSeconds(2)));
    }

    /// <summary>A PostgreSQL database (the tables are created when missing).</summary>
    /// <param name="retryAfter">after a failure, how long calls fail at once before the database is tried again</param>
    public static ChargePointStore PostgreSql(string connectionString, TimeSpan? retryAfter = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new ChargePointStore(new StoreConnection(Sql.Connection(PersistenceProvider.PostgreSql, connectionString),
            $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}", "", retryAfter ?? TimeSpan.FromSeconds(2)));
    }

    /// <summary>The queue and memory of one charge point (load its queue now).</summary>
    /// <exception cref="ChargePointStoreException">the database cannot be read</exception>
    /// <remarks>One instance per charge point and store: its memory mirrors the rows and is what its actor uses.</remarks>
    public DurableChargePoint For(ChargerId id)
    {
        lock (_chargePoints)
        {
            if (!_chargePoints.TryGetValue(id.Value, out var chargePoint)) _chargePoints[id.Value] = chargePoint = new DurableChargePoint(this, id.Value);
            return chargePoint;
        }
    }

    /// <summary>Writes what was submitted, then closes the database.</summary>
    public void Dispose()
    {
        // A charge point submits what it changed meanwhile when its last submission is written: let those through too.
        List<DurableChargePoint> chargePoints;
        lock (_chargePoints) chargePoints = [.. _chargePoints.Values];
        foreach (var cp in chargePoints) cp.WaitWritten(TimeSpan.FromSeconds(30));
        _writer.Dispose();
        _connection.Dispose();
    }

    internal void Submit(PendingWrite write) => _writer.Submit(write);

    internal List<T> Query<T>(string sql, Func<System.Data.Common.DbDataReader, T> row, params (string Name, object? Value)[] parameters) =>
        _connection.Query(sql, row, parameters);
}

/// <summary>What a <see cref="ChargePointStore"/> did.</summary>
/// <param name="RoundTrips">database round trips: reads, and commits (each a batch of changes)</param>
/// <param name="Changes">charge point changes written (each one charge point's submission)</param>
/// <param name="Busy">time inside the database</param>
/// <param name="Blocked">time its callers spent in it, their wait for it included (the writer thread's, and reads')</param>
public sealed record StoreFigures(long RoundTrips, long Changes, TimeSpan Busy, TimeSpan Blocked);

/// <summary>The charge point store's database failed or is unavailable (the message names the store and why).</summary>
public sealed class ChargePointStoreException(string message, Exception? inner = null) : Exception(message, inner);
