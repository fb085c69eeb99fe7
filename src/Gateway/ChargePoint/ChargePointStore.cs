using System.Data.Common;
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

    /// <summary>Where the data is (the SQLite file, or the PostgreSQL host and database; never a password).</summary>
    public string Location { get; }

    private ChargePointStore(DbConnection connection, string location, string setup)
    {
        _connection = connection;
        Location = location;
        _connection.Open();
        Execute(setup + Tables);
    }

    /// <summary>A SQLite file (created with its folder when missing).</summary>
    public static ChargePointStore Sqlite(string filePath)
    {
        var path = Path.GetFullPath(filePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new ChargePointStore(new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()),
            path, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
    }

    /// <summary>A PostgreSQL database (the tables are created when missing).</summary>
    public static ChargePointStore PostgreSql(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new ChargePointStore(new NpgsqlConnection(connectionString), $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}", "");
    }

    /// <summary>The queue and memory of one charge point (load its queue now).</summary>
    public DurableChargePoint For(ChargerId id) => new(this, id.Value);

    public void Dispose()
    {
        lock (_gate) _connection.Dispose();
    }

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (_gate)
        {
            using var command = Command(sql, parameters);
            command.ExecuteNonQuery();
        }
    }

    private void InTransaction(Action<Func<string, (string, object?)[], int>> work)
    {
        lock (_gate)
        {
            using var tx = _connection.BeginTransaction();
            work((sql, ps) =>
            {
                using var c = Command(sql, ps);
                c.Transaction = tx;
                return c.ExecuteNonQuery();
            });
            tx.Commit();
        }
    }

    private List<T> Query<T>(string sql, Func<DbDataReader, T> row, params (string Name, object? Value)[] parameters)
    {
        lock (_gate)
        {
            using var command = Command(sql, parameters);
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read()) rows.Add(row(reader));
            return rows;
        }
    }

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

    /// <summary>One charge point's rows, with the queue mirrored in memory (written through).</summary>
    public sealed class DurableChargePoint : ITransactionMessageQueue, IChargePointMemory
    {
        private readonly ChargePointStore _store;
        private readonly string _id;
        private readonly LinkedList<QueuedTransactionMessage> _items = new();
        private long _sequence;

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

        public QueuedTransactionMessage? Peek() => _items.First?.Value;

        public long Enqueue(IOcppRequest request, int? startPlaceholder = null)
        {
            TransactionMessages.Check(request);
            var m = new QueuedTransactionMessage(_sequence + 1, request, 0, startPlaceholder);
            _store.Execute("INSERT INTO ocpp_transaction_queue VALUES (@cp, @seq, @frame, 0, @ph)",
                ("@cp", _id), ("@seq", m.Sequence), ("@frame", Frame(request)), ("@ph", startPlaceholder));
            _sequence = m.Sequence;
            _items.AddLast(m);
            return m.Sequence;
        }

        public void RemoveHead()
        {
            if (_items.First is not { } head) return;
            _store.Execute("DELETE FROM ocpp_transaction_queue WHERE charge_point = @cp AND sequence = @seq", ("@cp", _id), ("@seq", head.Value.Sequence));
            _items.RemoveFirst();
        }

        public QueuedTransactionMessage RecordFailedAttempt()
        {
            var head = _items.First ?? throw new InvalidOperationException("The transaction message queue is empty.");
            var next = head.Value with { FailedAttempts = head.Value.FailedAttempts + 1 };
            _store.Execute("UPDATE ocpp_transaction_queue SET failed_attempts = @n WHERE charge_point = @cp AND sequence = @seq",
                ("@n", next.FailedAttempts), ("@cp", _id), ("@seq", next.Sequence));
            head.Value = next;
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
            _store.InTransaction(run =>
            {
                foreach (var (_, m) in changed)
                    run("UPDATE ocpp_transaction_queue SET frame = @frame WHERE charge_point = @cp AND sequence = @seq",
                        [("@frame", Frame(m.Request)), ("@cp", _id), ("@seq", m.Sequence)]);
            });
            foreach (var (node, m) in changed) node.Value = m;
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

        public void RememberProfiles(IReadOnlyList<InstalledProfile> profiles) => _store.InTransaction(run =>
        {
            run("DELETE FROM ocpp_profile WHERE charge_point = @cp", [("@cp", _id)]);
            for (var i = 0; i < profiles.Count; i++)
                run("INSERT INTO ocpp_profile VALUES (@cp, @pos, @frame)",
                    [("@cp", _id), ("@pos", i), ("@frame", Frame(new SetChargingProfileRequest(profiles[i].ConnectorId, profiles[i].Profile)))]);
        });

        // Kept as the Full SendLocalList that would set it again.
        public void RememberLocalList(LocalList list) =>
            _store.Execute("INSERT INTO ocpp_local_list VALUES (@cp, @frame) ON CONFLICT (charge_point) DO UPDATE SET frame = excluded.frame",
                ("@cp", _id), ("@frame", Frame(new SendLocalListRequest(list.Version, UpdateType.Full, list.Entries))));

        public void RememberTransaction(RememberedTransaction? transaction)
        {
            if (transaction is null)
            {
                _store.Execute("DELETE FROM ocpp_open_transaction WHERE charge_point = @cp", ("@cp", _id));
                return;
            }
            _store.Execute("""
                INSERT INTO ocpp_open_transaction VALUES (@cp, @c, @tx, @tag, @ms, @at) ON CONFLICT (charge_point) DO UPDATE SET
                connector = excluded.connector, transaction_id = excluded.transaction_id, id_tag = excluded.id_tag,
                meter_start = excluded.meter_start, started = excluded.started
                """,
                ("@cp", _id), ("@c", transaction.ConnectorId), ("@tx", transaction.TransactionId), ("@tag", transaction.IdTag),
                ("@ms", transaction.MeterStart), ("@at", transaction.Start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
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

        public void RememberCacheEntry(string idTag, CachedAuthorization entry, IReadOnlyCollection<string> evicted) => _store.InTransaction(run =>
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

        public void ClearCache() => _store.Execute("DELETE FROM ocpp_authorization_cache WHERE charge_point = @cp", ("@cp", _id));

        public void RememberConfiguration(string key, string value) =>
            _store.Execute("INSERT INTO ocpp_configuration VALUES (@cp, @k, @v) ON CONFLICT (charge_point, key) DO UPDATE SET value = excluded.value",
                ("@cp", _id), ("@k", key), ("@v", value));
    }
}
