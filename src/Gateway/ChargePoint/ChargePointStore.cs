using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// The charge points' durable memory in a SQLite file or a PostgreSQL database: each one's
/// transaction message queue, installed charging profiles, local list and changed configuration
/// (invariant 4). Tables rather than an event-sourced actor because
/// <see cref="ITransactionMessageQueue"/> is synchronous: a message is stored (SQLite: WAL,
/// synchronous = FULL) when Enqueue returns, so the charge point never has to stash or answer
/// before its write is confirmed, and a delivered message is a deleted row (the table holds only
/// what is still owed; a journal would keep every message forever). Messages are kept as the OCPP
/// CALL frames they will be sent as, so the stored form is the protocol's own. One connection,
/// serialised by a lock: the writes are small, and SQLite has one writer anyway. The same SQL
/// (named parameters, ON CONFLICT upserts) runs on both.
/// </summary>
public sealed class ChargePointStore : IDisposable
{
    private const string Tables = """
        CREATE TABLE IF NOT EXISTS ocpp_transaction_queue (
            charge_point TEXT NOT NULL, sequence BIGINT NOT NULL, frame TEXT NOT NULL,
            failed_attempts INTEGER NOT NULL, start_placeholder INTEGER NULL,
            PRIMARY KEY (charge_point, sequence));
        CREATE TABLE IF NOT EXISTS ocpp_profile (
            charge_point TEXT NOT NULL, position INTEGER NOT NULL, frame TEXT NOT NULL,
            PRIMARY KEY (charge_point, position));
        CREATE TABLE IF NOT EXISTS ocpp_local_list (
            charge_point TEXT NOT NULL PRIMARY KEY, frame TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS ocpp_configuration (
            charge_point TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
            PRIMARY KEY (charge_point, key));
        CREATE TABLE IF NOT EXISTS ocpp_open_transaction (
            charge_point TEXT NOT NULL PRIMARY KEY, connector INTEGER NOT NULL, transaction_id INTEGER NOT NULL,
            id_tag TEXT NOT NULL, meter_start BIGINT NOT NULL, started TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS ocpp_authorization_cache (
            charge_point TEXT NOT NULL, id_tag TEXT NOT NULL, answer TEXT NOT NULL, last_used BIGINT NOT NULL,
            PRIMARY KEY (charge_point, id_tag));
        """;

    private readonly Lock _gate = new();
    private readonly DbConnection _connection;
    private readonly string _setup;
    private readonly TimeSpan _retryAfter;
    // While the database fails, calls fail at once (no wait on a lock or a dead server) until this tick count.
    private long _failingUntil;
    private string _lastFailure = "";
    private long _writes;
    private long _busyTicks;
    private long _blockedTicks;

    /// <summary>Where the data is (the SQLite file, or the PostgreSQL host and database; never a password).</summary>
    public string Location { get; }

    /// <summary>Statements run so far and the time spent: inside the store (Busy) and by callers including their wait for it (Blocked).</summary>
    public StoreFigures Figures => new(Interlocked.Read(ref _writes), TimeSpan.FromSeconds(Interlocked.Read(ref _busyTicks) / (double)Stopwatch.Frequency),
        TimeSpan.FromSeconds(Interlocked.Read(ref _blockedTicks) / (double)Stopwatch.Frequency));

    private ChargePointStore(DbConnection connection, string location, string setup, TimeSpan retryAfter)
    {
        _connection = connection;
        Location = location;
        _setup = setup;
        _retryAfter = retryAfter;
        Run(() => Raw(Tables));
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
        return new ChargePointStore(new SqliteConnection(builder.ToString()), path, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;",
            retryAfter ?? TimeSpan.FromSeconds(2));
    }

    /// <summary>A PostgreSQL database (the tables are created when missing).</summary>
    /// <param name="retryAfter">after a failure, how long calls fail at once before the database is tried again</param>
    public static ChargePointStore PostgreSql(string connectionString, TimeSpan? retryAfter = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new ChargePointStore(new NpgsqlConnection(connectionString), $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}", "",
            retryAfter ?? TimeSpan.FromSeconds(2));
    }

    /// <summary>The queue and memory of one charge point (load its queue now).</summary>
    /// <exception cref="ChargePointStoreException">the database cannot be read</exception>
    public DurableChargePoint For(ChargerId id) => new(this, id.Value);

    public void Dispose()
    {
        lock (_gate) _connection.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the connection, (re)opened as needed: a SQLite file locked
    /// past its busy timeout, or a PostgreSQL server that stopped, is a <see cref="ChargePointStoreException"/>
    /// naming the store, and the next call after <c>retryAfter</c> tries again on a new connection.
    /// </summary>
    private T Run<T>(Func<T> work)
    {
        var asked = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            var began = Stopwatch.GetTimestamp();
            try
            {
                if (Environment.TickCount64 < Interlocked.Read(ref _failingUntil))
                    throw new ChargePointStoreException($"The charge point store at {Location} is unavailable: {_lastFailure}");
                if (_connection.State != ConnectionState.Open)
                {
                    _connection.Close();
                    _connection.Open();
                    if (_setup.Length > 0) Raw(_setup);
                }
                var result = work();
                Interlocked.Exchange(ref _failingUntil, 0);
                return result;
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or IOException or TimeoutException or System.Net.Sockets.SocketException)
            {
                _lastFailure = e.Message;
                Interlocked.Exchange(ref _failingUntil, Environment.TickCount64 + (long)_retryAfter.TotalMilliseconds);
                try { _connection.Close(); }
                catch (Exception closing) when (closing is DbException or InvalidOperationException or IOException) { /* it is being dropped */ }
                throw new ChargePointStoreException($"The charge point store at {Location} failed: {e.Message}", e);
            }
            finally
            {
                var done = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref _writes);
                Interlocked.Add(ref _busyTicks, done - began);
                Interlocked.Add(ref _blockedTicks, done - asked);
            }
        }
    }

    private int Raw(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    private void Execute(string sql, params (string Name, object? Value)[] parameters) => Run(() =>
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    });

    private void InTransaction(Action<Func<string, (string, object?)[], int>> work) => Run(() =>
    {
        using var tx = _connection.BeginTransaction();
        work((sql, ps) =>
        {
            using var c = Command(sql, ps);
            c.Transaction = tx;
            return c.ExecuteNonQuery();
        });
        tx.Commit();
        return 0;
    });

    private List<T> Query<T>(string sql, Func<DbDataReader, T> row, params (string Name, object? Value)[] parameters) => Run(() =>
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(row(reader));
        return rows;
    });

    private DbCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            if (value is null) p.DbType = System.Data.DbType.Int32; // the only nullable column is an integer
            command.Parameters.Add(p);
        }
        return command;
    }

    private static string Frame(IOcppRequest request) => OcppFrames.EncodeCall("stored", request);

    private static IOcppRequest Request(string frame, string what) => OcppFrames.Decode(frame) is DecodedCall call
        ? call.Request
        : throw new InvalidDataException($"A stored {what} is not a readable OCPP CALL: {(frame.Length > 120 ? frame[..120] + "..." : frame)}");

    /// <summary>
    /// One charge point's rows, with the queue mirrored in memory (written through). When the
    /// database fails, no change is lost while the process lives: it is held, in order, and
    /// written when the store answers again (<see cref="RetryWrites"/>, and before any other
    /// write); <see cref="Peek"/> never offers a message whose row is not written yet, so a CALL
    /// is durable before it is sent, and a delivered one leaves the memory at once (it is not sent
    /// again) and its row when the delete gets through.
    /// </summary>
    public sealed class DurableChargePoint : ITransactionMessageQueue, IChargePointMemory
    {
        private readonly ChargePointStore _store;
        private readonly string _id;
        private readonly LinkedList<QueuedTransactionMessage> _items = new();
        private readonly Queue<(string What, Action Write)> _unwritten = new();
        private readonly HashSet<long> _notStored = [];
        private long _sequence;

        public int UnwrittenChanges => _unwritten.Count;

        public string? StoreError { get; private set; }

        public void RetryWrites()
        {
            while (_unwritten.TryPeek(out var next))
            {
                try
                {
                    next.Write();
                }
                catch (ChargePointStoreException e)
                {
                    StoreError = $"{_id}: {next.What} is not stored yet ({_unwritten.Count} change(s) held): {e.Message}";
                    return;
                }
                _unwritten.Dequeue();
            }
            StoreError = null;
        }

        // Every write goes behind those still held: the rows change in the order the charge point changed.
        private void Write(string what, Action write)
        {
            _unwritten.Enqueue((what, write));
            RetryWrites();
        }

        internal DurableChargePoint(ChargePointStore store, string id)
        {
            _store = store;
            _id = id;
            foreach (var m in store.Query(
                "SELECT sequence, frame, failed_attempts, start_placeholder FROM ocpp_transaction_queue WHERE charge_point = @cp ORDER BY sequence",
                r => new QueuedTransactionMessage(r.GetInt64(0), Request(r.GetString(1), $"transaction message of {id}"), r.GetInt32(2),
                    r.IsDBNull(3) ? null : r.GetInt32(3)),
                ("@cp", id)))
                _items.AddLast(m);
            _sequence = _items.Last?.Value.Sequence ?? 0;
        }

        public int Count => _items.Count;

        /// <summary>The oldest message once its row is written (null while it is held in memory only).</summary>
        public QueuedTransactionMessage? Peek()
        {
            if (_unwritten.Count > 0) RetryWrites();
            return _items.First is { } head && !_notStored.Contains(head.Value.Sequence) ? head.Value : null;
        }

        public long Enqueue(IOcppRequest request, int? startPlaceholder = null)
        {
            TransactionMessages.Check(request);
            var m = new QueuedTransactionMessage(_sequence + 1, request, 0, startPlaceholder);
            _sequence = m.Sequence;
            var node = _items.AddLast(m);
            _notStored.Add(m.Sequence);
            // Written as the message is when the write gets through (a held one may be remapped or counted meanwhile).
            Write($"transaction message {m.Sequence} ({OcppActions.ForRequest(request).Name})", () =>
            {
                _store.Execute("INSERT INTO ocpp_transaction_queue VALUES (@cp, @seq, @frame, @n, @ph)",
                    ("@cp", _id), ("@seq", m.Sequence), ("@frame", Frame(node.Value.Request)), ("@n", node.Value.FailedAttempts), ("@ph", startPlaceholder));
                _notStored.Remove(m.Sequence);
            });
            return m.Sequence;
        }

        public void RemoveHead()
        {
            if (_items.First is not { } head) return;
            var sequence = head.Value.Sequence;
            _items.RemoveFirst();
            Write($"removal of delivered transaction message {sequence}", () =>
                _store.Execute("DELETE FROM ocpp_transaction_queue WHERE charge_point = @cp AND sequence = @seq", ("@cp", _id), ("@seq", sequence)));
        }

        public QueuedTransactionMessage RecordFailedAttempt()
        {
            var head = _items.First ?? throw new InvalidOperationException("The transaction message queue is empty.");
            var next = head.Value with { FailedAttempts = head.Value.FailedAttempts + 1 };
            head.Value = next;
            Write($"failed attempt {next.FailedAttempts} of transaction message {next.Sequence}", () =>
                _store.Execute("UPDATE ocpp_transaction_queue SET failed_attempts = @n WHERE charge_point = @cp AND sequence = @seq",
                    ("@n", next.FailedAttempts), ("@cp", _id), ("@seq", next.Sequence)));
            return next;
        }

        public void RemapTransactionId(int placeholder, int transactionId)
        {
            var changed = new List<(LinkedListNode<QueuedTransactionMessage> Node, QueuedTransactionMessage Value)>();
            for (var node = _items.First; node is not null; node = node.Next)
            {
                var remapped = TransactionMessages.Remap(node.Value, placeholder, transactionId);
                if (!ReferenceEquals(remapped, node.Value)) changed.Add((node, remapped));
            }
            if (changed.Count == 0) return;
            foreach (var (node, m) in changed) node.Value = m;
            Write($"transaction id {transactionId} for {placeholder}", () => _store.InTransaction(run =>
            {
                foreach (var (_, m) in changed)
                    run("UPDATE ocpp_transaction_queue SET frame = @frame WHERE charge_point = @cp AND sequence = @seq",
                        [("@frame", Frame(m.Request)), ("@cp", _id), ("@seq", m.Sequence)]);
            }));
        }

        public IReadOnlyList<QueuedTransactionMessage> Snapshot() => _items.ToList();

        public RememberedChargePoint Recall()
        {
            var profiles = _store.Query("SELECT frame FROM ocpp_profile WHERE charge_point = @cp ORDER BY position",
                r => (SetChargingProfileRequest)Request(r.GetString(0), $"charging profile of {_id}"), ("@cp", _id))
                .Select(p => new InstalledProfile(p.ConnectorId, p.CsChargingProfiles)).ToList();
            var config = _store.Query("SELECT key, value FROM ocpp_configuration WHERE charge_point = @cp",
                r => (r.GetString(0), r.GetString(1)), ("@cp", _id)).ToDictionary(kv => kv.Item1, kv => kv.Item2);
            var list = _store.Query("SELECT frame FROM ocpp_local_list WHERE charge_point = @cp",
                r => (SendLocalListRequest)Request(r.GetString(0), $"local authorisation list of {_id}"), ("@cp", _id))
                .Select(l => new LocalList(l.ListVersion, l.LocalAuthorizationList ?? [])).SingleOrDefault();
            var open = _store.Query("SELECT connector, transaction_id, id_tag, meter_start, started FROM ocpp_open_transaction WHERE charge_point = @cp",
                r => new RememberedTransaction(r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetInt64(3), Started(r.GetString(4))), ("@cp", _id))
                .SingleOrDefault();
            var cache = _store.Query("SELECT id_tag, answer, last_used FROM ocpp_authorization_cache WHERE charge_point = @cp",
                r => (IdTag: r.GetString(0), Entry: new CachedAuthorization(Answer(r.GetString(0), r.GetString(1)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)))),
                ("@cp", _id)).ToDictionary(e => e.IdTag, e => e.Entry, StringComparer.Ordinal);
            return new RememberedChargePoint(profiles, config, list, open, cache);
        }

        public void RememberProfiles(IReadOnlyList<InstalledProfile> profiles) => Write("charging profiles", () => _store.InTransaction(run =>
        {
            run("DELETE FROM ocpp_profile WHERE charge_point = @cp", [("@cp", _id)]);
            for (var i = 0; i < profiles.Count; i++)
                run("INSERT INTO ocpp_profile VALUES (@cp, @pos, @frame)",
                    [("@cp", _id), ("@pos", i), ("@frame", Frame(new SetChargingProfileRequest(profiles[i].ConnectorId, profiles[i].Profile)))]);
        }));

        // Kept as the Full SendLocalList that would set it again.
        public void RememberLocalList(LocalList list) => Write($"local list version {list.Version}", () =>
            _store.Execute("INSERT INTO ocpp_local_list VALUES (@cp, @frame) ON CONFLICT (charge_point) DO UPDATE SET frame = excluded.frame",
                ("@cp", _id), ("@frame", Frame(new SendLocalListRequest(list.Version, UpdateType.Full, list.Entries)))));

        public void RememberTransaction(RememberedTransaction? transaction)
        {
            if (transaction is null)
            {
                Write("end of the running transaction", () => _store.Execute("DELETE FROM ocpp_open_transaction WHERE charge_point = @cp", ("@cp", _id)));
                return;
            }
            Write($"running transaction {transaction.TransactionId}", () => _store.Execute("""
                INSERT INTO ocpp_open_transaction VALUES (@cp, @c, @tx, @tag, @ms, @at) ON CONFLICT (charge_point) DO UPDATE SET
                connector = excluded.connector, transaction_id = excluded.transaction_id, id_tag = excluded.id_tag,
                meter_start = excluded.meter_start, started = excluded.started
                """,
                ("@cp", _id), ("@c", transaction.ConnectorId), ("@tx", transaction.TransactionId), ("@tag", transaction.IdTag),
                ("@ms", transaction.MeterStart), ("@at", transaction.Start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))));
        }

        private DateTimeOffset Started(string text) =>
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
                ? at
                : throw new InvalidDataException($"The remembered transaction of {_id} has an unreadable start time '{text}'.");

        // Kept as the Authorize answer that taught it: the protocol's own form.
        private IdTagInfo Answer(string idTag, string json)
        {
            try
            {
                return JsonSerializer.Deserialize(json, OcppJsonContext.Default.AuthorizeResponse)?.IdTagInfo
                    ?? throw new JsonException("null");
            }
            catch (Exception e) when (e is JsonException or OcppPayloadException)
            {
                throw new InvalidDataException($"The authorisation cache entry of {_id} for idTag '{idTag}' is not a readable idTagInfo ({e.Message}): {json}", e);
            }
        }

        public void RememberCacheEntry(string idTag, CachedAuthorization entry, IReadOnlyCollection<string> evicted) =>
            Write($"authorisation cache entry {idTag}", () => _store.InTransaction(run =>
        {
            foreach (var gone in evicted)
                run("DELETE FROM ocpp_authorization_cache WHERE charge_point = @cp AND id_tag = @tag", [("@cp", _id), ("@tag", gone)]);
            run("""
                INSERT INTO ocpp_authorization_cache VALUES (@cp, @tag, @answer, @used) ON CONFLICT (charge_point, id_tag) DO UPDATE SET
                answer = excluded.answer, last_used = excluded.last_used
                """,
                [("@cp", _id), ("@tag", idTag), ("@answer", JsonSerializer.Serialize(new AuthorizeResponse(entry.Info), OcppJsonContext.Default.AuthorizeResponse)),
                 ("@used", entry.LastUsed.ToUnixTimeMilliseconds())]);
        }));

        public void ClearCache() =>
            Write("clearing the authorisation cache", () => _store.Execute("DELETE FROM ocpp_authorization_cache WHERE charge_point = @cp", ("@cp", _id)));

        public void RememberConfiguration(string key, string value) => Write($"configuration {key}", () =>
            _store.Execute("INSERT INTO ocpp_configuration VALUES (@cp, @k, @v) ON CONFLICT (charge_point, key) DO UPDATE SET value = excluded.value",
                ("@cp", _id), ("@k", key), ("@v", value)));
    }
}

/// <summary>What a <see cref="ChargePointStore"/> did: statements run, time inside it, time its callers were held (waits for it included).</summary>
public sealed record StoreFigures(long Statements, TimeSpan Busy, TimeSpan Blocked);

/// <summary>The charge point store's database failed or is unavailable (the message names the store and why).</summary>
public sealed class ChargePointStoreException(string message, Exception? inner = null) : Exception(message, inner);
