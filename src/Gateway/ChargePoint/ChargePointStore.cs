using System.Collections.Concurrent;
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
/// transaction message queue, installed charging profiles, local list, changed configuration,
/// running transaction and authorisation cache (invariant 4). Tables rather than an event-sourced
/// actor: a delivered message is a deleted row (the table holds only what is still owed; a journal
/// would keep every message forever). Messages are kept as the OCPP CALL frames they will be sent
/// as, so the stored form is the protocol's own.
/// <para>
/// Writes leave the charge points' actors at once and are committed by one writer thread in
/// batches (group commit: SQLite WAL with synchronous = FULL pays one fsync per commit, so one
/// commit for what 1,000 charge points changed meanwhile). Each charge point's changes reach the
/// database in the order it made them, a submission all or nothing, so the rows are always a
/// prefix of its history; a queued message is offered for sending only once its row is committed,
/// and a delivered one is deleted only after its CALLRESULT. A failing database (a SQLite file
/// locked past the busy timeout, a PostgreSQL server that stopped) is a
/// <see cref="ChargePointStoreException"/> naming the store: the changes are held in memory, in
/// order, and written when it answers again on a new connection; only a process that ends while
/// the database is down loses what was held. One connection, serialised by a lock; the same SQL
/// (named parameters, ON CONFLICT upserts) runs on both.
/// </para>
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
    private long _roundTrips;
    private long _changes;
    private long _busyTicks;
    private long _blockedTicks;
    private readonly BlockingCollection<PendingWrite> _pending = new();
    private readonly Thread _writer;
    // Enough to take a whole round of 1,000 charge points' MeterValues in one commit.
    private const int MostChangesPerBatch = 1000;
    private readonly Dictionary<string, DurableChargePoint> _chargePoints = [];

    /// <summary>Where the data is (the SQLite file, or the PostgreSQL host and database; never a password).</summary>
    public string Location { get; }

    /// <summary>What the store did so far (see <see cref="StoreFigures"/>).</summary>
    public StoreFigures Figures => new(Interlocked.Read(ref _roundTrips), Interlocked.Read(ref _changes),
        TimeSpan.FromSeconds(Interlocked.Read(ref _busyTicks) / (double)Stopwatch.Frequency),
        TimeSpan.FromSeconds(Interlocked.Read(ref _blockedTicks) / (double)Stopwatch.Frequency));

    private ChargePointStore(DbConnection connection, string location, string setup, TimeSpan retryAfter)
    {
        _connection = connection;
        Location = location;
        _setup = setup;
        _retryAfter = retryAfter;
        try
        {
            Run(() => Raw(Tables));
        }
        catch (ChargePointStoreException)
        {
            _connection.Dispose();
            _pending.Dispose();
            throw;
        }
        _writer = new Thread(WriteBatches) { IsBackground = true, Name = "ocpp-store-writer" };
        _writer.Start();
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
        _pending.CompleteAdding();
        _writer.Join();
        lock (_gate) _connection.Dispose();
        _pending.Dispose();
    }

    /// <summary>One charge point's changes, all or none, and what to do when they are written (null) or failed.</summary>
    internal sealed record PendingWrite(Action<Func<string, (string, object?)[], int>> Statements, Action<ChargePointStoreException?> Done);

    internal void Submit(PendingWrite write)
    {
        try
        {
            _pending.Add(write);
        }
        catch (InvalidOperationException)
        {
            write.Done(new ChargePointStoreException($"The charge point store at {Location} is closed."));
        }
    }

    // Group commit: whatever the charge points submitted while the last commit ran goes in the next
    // one, so 1,000 charge points' MeterValues cost one fsync, not 1,000, and no charge point's
    // actor waits for the disk (it sends a message once it is told its row is written).
    private void WriteBatches()
    {
        var batch = new List<PendingWrite>();
        foreach (var first in _pending.GetConsumingEnumerable())
        {
            batch.Clear();
            batch.Add(first);
            while (batch.Count < MostChangesPerBatch && _pending.TryTake(out var more)) batch.Add(more);
            var error = TryWrite(batch);
            if (error is not null && batch.Count > 1)
            {
                // One change the database refuses must not hold back the others: each alone (at once while it is down).
                foreach (var w in batch) Done(w, TryWrite([w]));
                continue;
            }
            foreach (var w in batch) Done(w, error);
        }
    }

    private ChargePointStoreException? TryWrite(IReadOnlyList<PendingWrite> writes)
    {
        try
        {
            InTransaction(run => { foreach (var w in writes) w.Statements(run); });
            Interlocked.Add(ref _changes, writes.Count);
            return null;
        }
        catch (ChargePointStoreException e)
        {
            return e;
        }
        catch (Exception e)
        {
            return new ChargePointStoreException($"The charge point store at {Location} could not write a change: {e.Message}", e);
        }
    }

    private static void Done(PendingWrite write, ChargePointStoreException? error)
    {
        try
        {
            write.Done(error);
        }
        catch (Exception e)
        {
            // The writer thread must outlive any one charge point's callback.
            Trace.TraceError($"A charge point store callback failed: {e}");
        }
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
                Interlocked.Increment(ref _roundTrips);
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
        // The writer thread completes what the charge point's actor submitted: these are shared with it.
        private readonly Lock _gate = new();
        private readonly List<Change> _held = [];
        private List<Change>? _submitted;
        private readonly HashSet<long> _notStored = [];
        private string? _storeError;
        private Action? _written;
        private long _sequence;

        private sealed record Change(string What, Action<Func<string, (string, object?)[], int>> Statements, Action? Stored = null);

        public int UnwrittenChanges
        {
            get { lock (_gate) return _held.Count + (_submitted?.Count ?? 0); }
        }

        public string? StoreError
        {
            get { lock (_gate) return _storeError; }
        }

        public void OnWritten(Action written)
        {
            lock (_gate) _written = written;
        }

        public void RetryWrites() => Submit();

        /// <summary>Waits until every change made so far is written or has failed; true when none is left unwritten.</summary>
        public bool WaitWritten(TimeSpan timeout)
        {
            var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
            while (Environment.TickCount64 < deadline)
            {
                lock (_gate)
                {
                    if (_submitted is null && (_held.Count == 0 || _storeError is not null)) return _held.Count == 0;
                }
                Thread.Sleep(1);
            }
            return false;
        }

        // Every change goes behind those not yet written: the rows change in the order the charge point changed them.
        private void Write(string what, Action<Func<string, (string, object?)[], int>> statements, Action? stored = null)
        {
            lock (_gate) _held.Add(new Change(what, statements, stored));
            Submit();
        }

        // One submission at a time per charge point, all it holds, written in one of the store's batches.
        private void Submit()
        {
            List<Change> changes;
            lock (_gate)
            {
                if (_submitted is not null || _held.Count == 0) return;
                changes = _submitted = [.. _held];
                _held.Clear();
            }
            _store.Submit(new PendingWrite(run => { foreach (var c in changes) c.Statements(run); }, error => Completed(changes, error)));
        }

        private void Completed(List<Change> changes, ChargePointStoreException? error)
        {
            Action? written;
            lock (_gate)
            {
                _submitted = null;
                if (error is null)
                {
                    foreach (var c in changes) c.Stored?.Invoke();
                    _storeError = null;
                }
                else
                {
                    _held.InsertRange(0, changes);
                    _storeError = $"{_id}: {changes[0].What} is not stored yet ({_held.Count} change(s) held): {error.Message}";
                }
                written = _written;
            }
            if (error is null) Submit(); // what was changed meanwhile
            written?.Invoke();
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
            if (_items.First is not { } head) return null;
            lock (_gate) return _notStored.Contains(head.Value.Sequence) ? null : head.Value;
        }

        public long Enqueue(IOcppRequest request, int? startPlaceholder = null)
        {
            TransactionMessages.Check(request);
            var m = new QueuedTransactionMessage(_sequence + 1, request, 0, startPlaceholder);
            _sequence = m.Sequence;
            _items.AddLast(m);
            lock (_gate) _notStored.Add(m.Sequence);
            // Written as it is now: a later remap or failed attempt is a change of its own that follows
            // it, so what is on disk is always the queue after some prefix of the changes.
            var frame = Frame(request);
            Write($"transaction message {m.Sequence} ({OcppActions.ForRequest(request).Name})", run =>
                run("INSERT INTO ocpp_transaction_queue VALUES (@cp, @seq, @frame, 0, @ph)",
                    [("@cp", _id), ("@seq", m.Sequence), ("@frame", frame), ("@ph", startPlaceholder)]),
                stored: () => _notStored.Remove(m.Sequence));
            return m.Sequence;
        }

        public void RemoveHead()
        {
            if (_items.First is not { } head) return;
            var sequence = head.Value.Sequence;
            _items.RemoveFirst();
            Write($"removal of delivered transaction message {sequence}", run =>
                run("DELETE FROM ocpp_transaction_queue WHERE charge_point = @cp AND sequence = @seq", [("@cp", _id), ("@seq", sequence)]));
        }

        public QueuedTransactionMessage RecordFailedAttempt()
        {
            var head = _items.First ?? throw new InvalidOperationException("The transaction message queue is empty.");
            var next = head.Value with { FailedAttempts = head.Value.FailedAttempts + 1 };
            head.Value = next;
            Write($"failed attempt {next.FailedAttempts} of transaction message {next.Sequence}", run =>
                run("UPDATE ocpp_transaction_queue SET failed_attempts = @n WHERE charge_point = @cp AND sequence = @seq",
                    [("@n", next.FailedAttempts), ("@cp", _id), ("@seq", next.Sequence)]));
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
            Write($"transaction id {transactionId} for {placeholder}", run =>
            {
                foreach (var (_, m) in changed)
                    run("UPDATE ocpp_transaction_queue SET frame = @frame WHERE charge_point = @cp AND sequence = @seq",
                        [("@frame", Frame(m.Request)), ("@cp", _id), ("@seq", m.Sequence)]);
            });
        }

        public IReadOnlyList<QueuedTransactionMessage> Snapshot() => _items.ToList();

        /// <summary>What is remembered, once this charge point's own changes so far are written (or failed).</summary>
        public RememberedChargePoint Recall()
        {
            WaitWritten(TimeSpan.FromSeconds(30));
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

        public void RememberProfiles(IReadOnlyList<InstalledProfile> profiles) => Write("charging profiles", run =>
        {
            run("DELETE FROM ocpp_profile WHERE charge_point = @cp", [("@cp", _id)]);
            for (var i = 0; i < profiles.Count; i++)
                run("INSERT INTO ocpp_profile VALUES (@cp, @pos, @frame)",
                    [("@cp", _id), ("@pos", i), ("@frame", Frame(new SetChargingProfileRequest(profiles[i].ConnectorId, profiles[i].Profile)))]);
        });

        // Kept as the Full SendLocalList that would set it again.
        public void RememberLocalList(LocalList list) => Write($"local list version {list.Version}", run =>
            run("INSERT INTO ocpp_local_list VALUES (@cp, @frame) ON CONFLICT (charge_point) DO UPDATE SET frame = excluded.frame",
                [("@cp", _id), ("@frame", Frame(new SendLocalListRequest(list.Version, UpdateType.Full, list.Entries)))]));

        public void RememberTransaction(RememberedTransaction? transaction)
        {
            if (transaction is null)
            {
                Write("end of the running transaction", run => run("DELETE FROM ocpp_open_transaction WHERE charge_point = @cp", [("@cp", _id)]));
                return;
            }
            Write($"running transaction {transaction.TransactionId}", run => run("""
                INSERT INTO ocpp_open_transaction VALUES (@cp, @c, @tx, @tag, @ms, @at) ON CONFLICT (charge_point) DO UPDATE SET
                connector = excluded.connector, transaction_id = excluded.transaction_id, id_tag = excluded.id_tag,
                meter_start = excluded.meter_start, started = excluded.started
                """,
                [("@cp", _id), ("@c", transaction.ConnectorId), ("@tx", transaction.TransactionId), ("@tag", transaction.IdTag),
                 ("@ms", transaction.MeterStart), ("@at", transaction.Start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))]));
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
            Write($"authorisation cache entry {idTag}", run =>
        {
            foreach (var gone in evicted)
                run("DELETE FROM ocpp_authorization_cache WHERE charge_point = @cp AND id_tag = @tag", [("@cp", _id), ("@tag", gone)]);
            run("""
                INSERT INTO ocpp_authorization_cache VALUES (@cp, @tag, @answer, @used) ON CONFLICT (charge_point, id_tag) DO UPDATE SET
                answer = excluded.answer, last_used = excluded.last_used
                """,
                [("@cp", _id), ("@tag", idTag), ("@answer", JsonSerializer.Serialize(new AuthorizeResponse(entry.Info), OcppJsonContext.Default.AuthorizeResponse)),
                 ("@used", entry.LastUsed.ToUnixTimeMilliseconds())]);
        });

        public void ClearCache() =>
            Write("clearing the authorisation cache", run => run("DELETE FROM ocpp_authorization_cache WHERE charge_point = @cp", [("@cp", _id)]));

        public void RememberConfiguration(string key, string value) => Write($"configuration {key}", run =>
            run("INSERT INTO ocpp_configuration VALUES (@cp, @k, @v) ON CONFLICT (charge_point, key) DO UPDATE SET value = excluded.value",
                [("@cp", _id), ("@k", key), ("@v", value)]));
    }
}

/// <summary>What a <see cref="ChargePointStore"/> did.</summary>
/// <param name="RoundTrips">database round trips: reads, and commits (each a batch of changes)</param>
/// <param name="Changes">charge point changes written (each one charge point's submission)</param>
/// <param name="Busy">time inside the database</param>
/// <param name="Blocked">time its callers spent in it, their wait for it included (the writer thread's, and reads')</param>
public sealed record StoreFigures(long RoundTrips, long Changes, TimeSpan Busy, TimeSpan Blocked);

/// <summary>The charge point store's database failed or is unavailable (the message names the store and why).</summary>
public sealed class ChargePointStoreException(string message, Exception? inner = null) : Exception(message, inner);
