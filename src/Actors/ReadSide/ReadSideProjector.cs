using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using SmartElek.Actors.Persistence;

namespace SmartElek.Actors.ReadSide;

public static class ReadSideProjectorProtocol
{
    /// <summary>Asks for the offset applied so far; answered with <see cref="Applied"/>.</summary>
    public sealed record GetApplied
    {
        public static readonly GetApplied Instance = new();
        private GetApplied() { }
    }

    /// <summary>The journal offset up to which the projection's tables are written.</summary>
    public sealed record Applied(string Projection, long Offset);

    internal sealed record BatchStored(long Offset);
}

/// <param name="BatchSize">At most this many events per transaction.</param>
/// <param name="BatchWindow">A batch waits at most this long for more events.</param>
public sealed record ReadSideProjectorSettings(int BatchSize, TimeSpan BatchWindow, TimeSpan MinBackoff, TimeSpan MaxBackoff)
{
    public static readonly ReadSideProjectorSettings Default = new(200, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
}

/// <summary>
/// Runs one projection: the live events of its tag from the SQL read journal, from the stored offset,
/// in batches into <see cref="ReadStore"/>. It never replays the charger actors. A failure (the
/// database gone) restarts the stream with back-off from the offset stored in the database, so a
/// batch is applied exactly once however often it is read. The stream lives and dies with this actor.
/// </summary>
public sealed class ReadSideProjector : ReceiveActor
{
    private readonly ReadStore _store;
    private readonly ReadSideProjection _projection;
    private readonly ReadSideProjectorSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _applied;

    public static Props Props(ReadStore store, ReadSideProjection projection, ReadSideProjectorSettings? settings = null) =>
        Akka.Actor.Props.Create(() => new ReadSideProjector(store, projection, settings ?? ReadSideProjectorSettings.Default));

    public ReadSideProjector(ReadStore store, ReadSideProjection projection, ReadSideProjectorSettings settings)
    {
        _store = store;
        _projection = projection;
        _settings = settings;
        Receive<ReadSideProjectorProtocol.BatchStored>(b => _applied = Math.Max(_applied, b.Offset));
        Receive<ReadSideProjectorProtocol.GetApplied>(_ => Sender.Tell(new ReadSideProjectorProtocol.Applied(_projection.Name, _applied)));
    }

    protected override void PreStart()
    {
        var self = Self;
        var system = Context.System;
        var restart = RestartSettings.Create(_settings.MinBackoff, _settings.MaxBackoff, 0.2);
        RestartSource.OnFailuresWithBackoff(() => Events(system), restart)
            .RunWith(Sink.ForEach<long>(offset => self.Tell(new ReadSideProjectorProtocol.BatchStored(offset))), Context.Materializer());
    }

    // Each (re)start reads the offset from the database: what was committed is never applied again.
    // The read journal is taken inside the restarted source too: with the database down at start its
    // creation fails (a timeout), and that must be retried with back-off, not end the projector.
    private Source<long, NotUsed> Events(ActorSystem system) =>
        Source.FromTask(StartAsync(system))
            .ConcatMany(start => start.Journal.EventsByTag(_projection.Tag, Offset.Sequence(start.Offset)))
            .GroupedWithin(_settings.BatchSize, _settings.BatchWindow)
            .SelectAsync(1, batch => StoreAsync(batch.Select(ToFact).ToList()));

    // Longer than the database's own connection timeouts: a database that is down fails the
    // attempt (and the restart's back-off tries again), a busy one does not.
    private static readonly TimeSpan JournalReadyWithin = TimeSpan.FromSeconds(60);

    private async Task<(SqlReadJournal Journal, long Offset)> StartAsync(ActorSystem system)
    {
        await _store.EnsureSchemaAsync();
        var offset = await _store.OffsetAsync(_projection);
        var journal = await ReadJournals.OpenAsync(system, JournalReadyWithin);
        return (journal, offset);
    }

    private async Task<long> StoreAsync(IReadOnlyList<JournalledFact> facts)
    {
        try
        {
            return await _store.ApplyAsync(_projection, facts);
        }
        catch (Exception e)
        {
            _log.Warning("Read side {0}: could not store {1} events ({2}); retrying from the stored offset", _projection.Name, facts.Count, e.Message);
            throw;
        }
    }

    public static JournalledFact ToFact(EventEnvelope envelope) =>
        new(((Sequence)envelope.Offset).Value, ReadSideFacts.Of(envelope.PersistenceId, envelope.Event));
}
