using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Journal;

namespace SmartElek.Actors.Persistence;

/// <summary>
/// Akka.Persistence.Sql's journal with the two reads of a recovery made plain: the replay is one
/// <c>SELECT</c> on the journal table instead of the plugin's batched replay, which materialises two
/// Akka.Streams graphs and builds its query through linq2db for every replay; the highest sequence
/// number is one <c>SELECT MAX</c>. That fixed cost (about 0.3 MB allocated and a few ms of CPU per
/// recovery, whatever the number of events) is what a node pays 1,000 times when every charger comes
/// back from a power cut with a session to close. Writes, deletes and the queries stay the plugin's.
/// The rows are read as the plugin writes them: the payload in <c>message</c>, deserialised with the
/// serializer in <c>identifier</c> and <c>manifest</c>; soft-deleted rows are skipped in a replay and
/// counted in the highest sequence number (the plugin keeps the last deleted row for that), as the
/// plugin does. Like the plugin, the highest sequence number waits for this journal's write in
/// flight for that persistence id (a persistent actor restarted after a failed write).
/// </summary>
public sealed class SqlJournal : SqlWriteJournal
{
    private readonly DirectSql _sql;
    private readonly string _replay;
    private readonly string? _highest;
    private readonly ConcurrentDictionary<string, Task> _writesInFlight = new();

    public SqlJournal(Config journalConfig) : base(journalConfig)
    {
        var config = journalConfig.WithFallback(SqlPersistence.DefaultJournalConfiguration);
        _sql = new DirectSql(config, "journal");
        var sequenceNr = _sql.Column("sequence-number");
        // With delete-compatibility-mode the highest number also lives in a metadata table: the plugin's to read.
        _highest = config.GetBoolean("delete-compatibility-mode")
            ? null
            : $"SELECT MAX({sequenceNr}) FROM {_sql.Table} WHERE {_sql.Column("persistence-id")} = @pid AND {sequenceNr} > @after";
        var writerUuid = _sql.Flag("use-writer-uuid-column") ? _sql.Column("writer-uuid") : "NULL";
        _replay = $"SELECT {sequenceNr}, {_sql.Column("message")}, {_sql.Column("identifier")}, {_sql.Column("manifest")}, {_sql.Column("created")}, {writerUuid} " +
                  $"FROM {_sql.Table} WHERE {_sql.Column("persistence-id")} = @pid AND {sequenceNr} >= @from AND {sequenceNr} <= @to " +
                  $"AND {_sql.Column("deleted")} = @deleted ORDER BY {sequenceNr} LIMIT @max";
    }

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages as IReadOnlyCollection<AtomicWrite> ?? messages.ToList();
        var written = base.WriteMessagesAsync(writes, cancellationToken);
        foreach (var persistenceId in writes.Select(w => w.PersistenceId).Distinct())
        {
            _writesInFlight[persistenceId] = written;
            written.ContinueWith(_ => _writesInFlight.TryRemove(new KeyValuePair<string, Task>(persistenceId, written)),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return written;
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        if (_highest is null)
            return await base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);
        // Whether it succeeded or not: only that it is over.
        if (_writesInFlight.TryGetValue(persistenceId, out var write))
            await write.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await using var connection = _sql.Connection();
        await connection.OpenAsync(cancellationToken);
        await using var command = DirectSql.Command(connection, _highest, ("@pid", persistenceId), ("@after", fromSequenceNr));
        return await command.ExecuteScalarAsync(cancellationToken) is { } max and not DBNull ? Convert.ToInt64(max, CultureInfo.InvariantCulture) : 0;
    }

    public override async Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<IPersistentRepresentation> recoveryCallback)
    {
        if (max <= 0 || toSequenceNr < fromSequenceNr) return;
        var serialization = context.System.Serialization;
        await using var connection = _sql.Connection();
        await connection.OpenAsync();
        await using var command = DirectSql.Command(connection, _replay,
            ("@pid", persistenceId), ("@from", Math.Max(1, fromSequenceNr)), ("@to", toSequenceNr), ("@deleted", false), ("@max", max));
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var sequenceNr = reader.GetInt64(0);
            if (reader.IsDBNull(2))
                throw new InvalidOperationException(
                    $"Journal row {persistenceId}/{sequenceNr} has no serializer identifier; it was not written by Akka.Persistence.Sql and cannot be replayed.");
            var manifest = reader.IsDBNull(3) ? "" : reader.GetString(3);
            var payload = serialization.Deserialize((byte[])reader.GetValue(1), reader.GetInt32(2), manifest);
            recoveryCallback(new Persistent(payload, sequenceNr, persistenceId, manifest, isDeleted: false, ActorRefs.NoSender,
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt64(4)));
        }
    }
}
