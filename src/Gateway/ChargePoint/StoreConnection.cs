using System.Data;
using System.Data.Common;
using System.Diagnostics;
using SmartElek.Actors.Persistence;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// The charge point store's one connection, serialised by a lock and (re)opened as needed: a SQLite
/// file locked past its busy timeout, or a PostgreSQL server that stopped, is a
/// <see cref="ChargePointStoreException"/> naming the store, and the next call after
/// <c>retryAfter</c> tries again on a new connection (until then calls fail at once rather than
/// wait on a lock or a dead server each time).
/// </summary>
internal sealed class StoreConnection(DbConnection connection, string location, string setup, TimeSpan retryAfter) : IDisposable
{
    private readonly Lock _gate = new();
    private long _failingUntil;
    private string _lastFailure = "";
    private long _roundTrips;
    private long _busyTicks;
    private long _blockedTicks;

    public string Location { get; } = location;

    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    public TimeSpan Busy => TimeSpan.FromSeconds(Interlocked.Read(ref _busyTicks) / (double)Stopwatch.Frequency);

    public TimeSpan Blocked => TimeSpan.FromSeconds(Interlocked.Read(ref _blockedTicks) / (double)Stopwatch.Frequency);

    public T Run<T>(Func<DbConnection, T> work)
    {
        var asked = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            var began = Stopwatch.GetTimestamp();
            try
            {
                if (Environment.TickCount64 < Interlocked.Read(ref _failingUntil))
                    throw new ChargePointStoreException($"The charge point store at {Location} is unavailable: {_lastFailure}");
                if (connection.State != ConnectionState.Open)
                {
                    connection.Close();
                    connection.Open();
                    if (setup.Length > 0) Sql.Execute(connection, setup);
                }
                var result = work(connection);
                Interlocked.Exchange(ref _failingUntil, 0);
                return result;
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or IOException or TimeoutException or System.Net.Sockets.SocketException)
            {
                _lastFailure = e.Message;
                Interlocked.Exchange(ref _failingUntil, Environment.TickCount64 + (long)retryAfter.TotalMilliseconds);
                try { connection.Close(); }
                catch (Exception closing) when (closing is DbException or InvalidOperationException or IOException) { /* it is being dropped */ }
                throw new ChargePointStoreException($"The charge point store at {Location} failed: {e.Message}", e);
            }
            finally
            {
                var done = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref _roundTrips);
                Interlocked.Add(ref _busyTicks, done - began);
                Interlocked.Add(ref _blockedTicks, done - asked);
            }
        }
    }

    /// <summary>A script without parameters (the schema).</summary>
    public void Execute(string sql) => Run(c => Sql.Execute(c, sql));

    /// <summary>Every statement <paramref name="work"/> runs, in one transaction.</summary>
    public void InTransaction(Action<StoreStatement> work) => Run(c =>
    {
        using var tx = c.BeginTransaction();
        work((sql, ps) =>
        {
            using var command = Sql.Command(c, tx, sql, ps);
            return command.ExecuteNonQuery();
        });
        tx.Commit();
        return 0;
    });

    public List<T> Query<T>(string sql, Func<DbDataReader, T> row, params (string Name, object? Value)[] parameters) => Run(c =>
    {
        using var command = Sql.Command(c, null, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(row(reader));
        return rows;
    });

    public void Dispose()
    {
        lock (_gate) connection.Dispose();
    }
}

/// <summary>Runs one statement of a write with its parameters; the rows it changed.</summary>
internal delegate int StoreStatement(string sql, (string Name, object? Value)[] parameters);
