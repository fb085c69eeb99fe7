using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Snapshot;

namespace SmartElek.Actors.Persistence;

/// <summary>
/// Akka.Persistence.Sql's snapshot store with one change: loading the latest snapshot (what every
/// recovery asks first) is one plain <c>SELECT</c> instead of a query built through linq2db each
/// time. Other selections, saves and deletes stay the plugin's. The row is read as the plugin's
/// default mapping writes it: <c>created</c> in ticks, the payload deserialised with the serializer
/// in <c>serializer_id</c> and <c>manifest</c>.
/// </summary>
public sealed class SqlSnapshots : SqlSnapshotStore
{
    private readonly DirectSql _sql;
    private readonly string _latest;
    // Taken here: LoadAsync continues after awaits, outside the actor's context.
    private readonly Akka.Serialization.Serialization _serialization;

    public SqlSnapshots(Config snapshotConfig) : base(snapshotConfig)
    {
        _serialization = Context.System.Serialization;
        _sql = new DirectSql(snapshotConfig.WithFallback(SqlPersistence.DefaultSnapshotConfiguration), "snapshot");
        var sequenceNr = _sql.Column("sequence-number");
        _latest = $"SELECT {sequenceNr}, {_sql.Column("created")}, {_sql.Column("snapshot")}, {_sql.Column("manifest")}, {_sql.Column("serializerId")} " +
                  $"FROM {_sql.Table} WHERE {_sql.Column("persistence-id")} = @pid AND {sequenceNr} <= @max ORDER BY {sequenceNr} DESC LIMIT 1";
    }

    protected override async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        // A time bound is the plugin's to apply (and no recovery of ours asks for one).
        if (criteria.MaxTimeStamp != DateTime.MaxValue)
            return await base.LoadAsync(persistenceId, criteria, cancellationToken);
        await using var connection = _sql.Connection();
        await connection.OpenAsync(cancellationToken);
        await using var command = DirectSql.Command(connection, _latest, ("@pid", persistenceId), ("@max", criteria.MaxSequenceNr));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var sequenceNr = reader.GetInt64(0);
        if (reader.IsDBNull(2) || reader.IsDBNull(4))
            throw new InvalidOperationException(
                $"Snapshot {persistenceId}/{sequenceNr} has no payload or serializer id; it was not written by Akka.Persistence.Sql and cannot be loaded.");
        var snapshot = _serialization.Deserialize((byte[])reader.GetValue(2), reader.GetInt32(4), reader.IsDBNull(3) ? "" : reader.GetString(3));
        return new SelectedSnapshot(new SnapshotMetadata(persistenceId, sequenceNr, new DateTime(reader.GetInt64(1))), snapshot);
    }
}
