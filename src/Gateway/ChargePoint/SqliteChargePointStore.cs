using Microsoft.Data.Sqlite;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// The charge points' durable memory in one SQLite file: each one's transaction message queue,
/// installed charging profiles and changed configuration (invariant 4). A table rather than an
/// event-sourced actor because <see cref="ITransactionMessageQueue"/> is synchronous: a message is
/// on disk (synchronous = FULL, WAL) when Enqueue returns, so the charge point never has to stash
/// or answer before its write is confirmed, and a delivered message is a deleted row (the table
/// holds only what is still owed; a journal would keep every message forever). Messages are kept as
/// the OCPP CALL frames they will be sent as, so the stored form is the protocol's own.
/// One connection, serialised by a lock: the writes are small and SQLite has one writer anyway.
/// </summary>
public sealed class SqliteChargePointStore : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;

    public string FilePath { get; }

    public SqliteChargePointStore(string filePath)
    {
        FilePath = Path.GetFullPath(filePath);
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS ocpp_transaction_queue (
                charge_point TEXT NOT NULL, sequence INTEGER NOT NULL, frame TEXT NOT NULL,
                failed_attempts INTEGER NOT NULL, start_placeholder INTEGER NULL,
                PRIMARY KEY (charge_point, sequence));
            CREATE TABLE IF NOT EXISTS ocpp_profile (
                charge_point TEXT NOT NULL, profile_id INTEGER NOT NULL, frame TEXT NOT NULL,
                PRIMARY KEY (charge_point, profile_id));
            CREATE TABLE IF NOT EXISTS ocpp_local_list (
                charge_point TEXT NOT NULL PRIMARY KEY, frame TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS ocpp_configuration (
                charge_point TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                PRIMARY KEY (charge_point, key));
            """);
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

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> row, params (string Name, object? Value)[] parameters)
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

    private SqliteCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static string Frame(IOcppRequest request) => OcppFrames.EncodeCall("stored", request);

    private static IOcppRequest Request(string frame, string what) => OcppFrames.Decode(frame) is DecodedCall call
        ? call.Request
        : throw new InvalidDataException($"A stored {what} is not a readable OCPP CALL: {(frame.Length > 120 ? frame[..120] + "..." : frame)}");

    /// <summary>One charge point's rows, with the queue mirrored in memory (written through).</summary>
    public sealed class DurableChargePoint : ITransactionMessageQueue, IChargePointMemory
    {
        private readonly SqliteChargePointStore _store;
        private readonly string _id;
        private readonly LinkedList<QueuedTransactionMessage> _items = new();
        private long _sequence;

        internal DurableChargePoint(SqliteChargePointStore store, string id)
        {
            _store = store;
            _id = id;
            foreach (var m in store.Query(
                "SELECT sequence, frame, failed_attempts, start_placeholder FROM ocpp_transaction_queue WHERE charge_point = $cp ORDER BY sequence",
                r => new QueuedTransactionMessage(r.GetInt64(0), Request(r.GetString(1), $"transaction message of {id}"), r.GetInt32(2),
                    r.IsDBNull(3) ? null : r.GetInt32(3)),
                ("$cp", id)))
                _items.AddLast(m);
            _sequence = _items.Last?.Value.Sequence ?? 0;
        }

        public int Count => _items.Count;

        public QueuedTransactionMessage? Peek() => _items.First?.Value;

        public long Enqueue(IOcppRequest request, int? startPlaceholder = null)
        {
            TransactionMessages.Check(request);
            var m = new QueuedTransactionMessage(_sequence + 1, request, 0, startPlaceholder);
            _store.Execute("INSERT INTO ocpp_transaction_queue VALUES ($cp, $seq, $frame, 0, $ph)",
                ("$cp", _id), ("$seq", m.Sequence), ("$frame", Frame(request)), ("$ph", startPlaceholder));
            _sequence = m.Sequence;
            _items.AddLast(m);
            return m.Sequence;
        }

        public void RemoveHead()
        {
            if (_items.First is not { } head) return;
            _store.Execute("DELETE FROM ocpp_transaction_queue WHERE charge_point = $cp AND sequence = $seq", ("$cp", _id), ("$seq", head.Value.Sequence));
            _items.RemoveFirst();
        }

        public QueuedTransactionMessage RecordFailedAttempt()
        {
            var head = _items.First ?? throw new InvalidOperationException("The transaction message queue is empty.");
            var next = head.Value with { FailedAttempts = head.Value.FailedAttempts + 1 };
            _store.Execute("UPDATE ocpp_transaction_queue SET failed_attempts = $n WHERE charge_point = $cp AND sequence = $seq",
                ("$n", next.FailedAttempts), ("$cp", _id), ("$seq", next.Sequence));
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
                    run("UPDATE ocpp_transaction_queue SET frame = $frame WHERE charge_point = $cp AND sequence = $seq",
                        [("$frame", Frame(m.Request)), ("$cp", _id), ("$seq", m.Sequence)]);
            });
            foreach (var (node, m) in changed) node.Value = m;
        }

        public IReadOnlyList<QueuedTransactionMessage> Snapshot() => _items.ToList();

        public RememberedChargePoint Recall()
        {
            var profiles = _store.Query("SELECT frame FROM ocpp_profile WHERE charge_point = $cp ORDER BY rowid",
                r => (SetChargingProfileRequest)Request(r.GetString(0), $"charging profile of {_id}"), ("$cp", _id))
                .Select(p => new InstalledProfile(p.ConnectorId, p.CsChargingProfiles)).ToList();
            var config = _store.Query("SELECT key, value FROM ocpp_configuration WHERE charge_point = $cp",
                r => (r.GetString(0), r.GetString(1)), ("$cp", _id)).ToDictionary(kv => kv.Item1, kv => kv.Item2);
            var list = _store.Query("SELECT frame FROM ocpp_local_list WHERE charge_point = $cp",
                r => (SendLocalListRequest)Request(r.GetString(0), $"local authorisation list of {_id}"), ("$cp", _id))
                .Select(l => new LocalList(l.ListVersion, l.LocalAuthorizationList ?? [])).SingleOrDefault();
            return new RememberedChargePoint(profiles, config, list);
        }

        public void RememberProfiles(IReadOnlyList<InstalledProfile> profiles) => _store.InTransaction(run =>
        {
            run("DELETE FROM ocpp_profile WHERE charge_point = $cp", [("$cp", _id)]);
            foreach (var p in profiles)
                run("INSERT INTO ocpp_profile VALUES ($cp, $pid, $frame)",
                    [("$cp", _id), ("$pid", p.Profile.ChargingProfileId), ("$frame", Frame(new SetChargingProfileRequest(p.ConnectorId, p.Profile)))]);
        });

        // Kept as the Full SendLocalList that would set it again.
        public void RememberLocalList(LocalList list) =>
            _store.Execute("INSERT INTO ocpp_local_list VALUES ($cp, $frame) ON CONFLICT (charge_point) DO UPDATE SET frame = $frame",
                ("$cp", _id), ("$frame", Frame(new SendLocalListRequest(list.Version, UpdateType.Full, list.Entries))));

        public void RememberConfiguration(string key, string value) =>
            _store.Execute("INSERT INTO ocpp_configuration VALUES ($cp, $k, $v) ON CONFLICT (charge_point, key) DO UPDATE SET value = $v",
                ("$cp", _id), ("$k", key), ("$v", value));
    }
}
