using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using SmartElek.Actors.Persistence;
using SmartElek.Actors.Serialization;

namespace SmartElek.Actors.ReadSide;

/// <summary>
/// Brings the read tables up to the journal once, without the site running: for an operator's report
/// after the site stopped (or crashed) before its projectors caught up. Safe beside a running site:
/// the stored offsets keep every event counted once.
/// </summary>
public static class ReadSideCatchUp
{
    /// <summary>True when every projection reached the newest tagged event within <paramref name="timeout"/>.</summary>
    public static async Task<bool> RunAsync(PersistenceOptions options, ReadStore store, TimeSpan timeout, Func<string, string?>? environment = null)
    {
        await store.EnsureSchemaAsync();
        if (await UpToDateAsync(store)) return true;
        var quiet = ConfigurationFactory.ParseString("akka.loglevel = ERROR\nakka.stdout-loglevel = ERROR");
        var system = ActorSystem.Create("read-side-catch-up",
            quiet.WithFallback(WireSerialization.Config).WithFallback(PersistenceHocon.For(options, environment)));
        try
        {
            var journal = await ReadJournals.OpenAsync(system, timeout);
            var materializer = system.Materializer();
            var deadline = DateTime.UtcNow + timeout;
            foreach (var projection in ReadSideProjection.All)
            {
                // The read journal answers "current" queries up to the newest ordering it has seen, which
                // lags a fresh system by a moment: read again until the stored offset reaches the newest event.
                while (await store.OffsetAsync(projection) < await store.LatestTaggedOffsetAsync(projection.Tag))
                {
                    if (DateTime.UtcNow > deadline) return false;
                    await journal.CurrentEventsByTag(projection.Tag, Offset.Sequence(await store.OffsetAsync(projection)))
                        .Grouped(500)
                        .SelectAsync(1, batch => store.ApplyAsync(projection, batch.Select(ReadSideProjector.ToFact).ToList()))
                        .RunWith(Sink.Ignore<long>(), materializer);
                    await Task.Delay(200);
                }
            }
            return true;
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task<bool> UpToDateAsync(ReadStore store)
    {
        foreach (var projection in ReadSideProjection.All)
            if (await store.OffsetAsync(projection) < await store.LatestTaggedOffsetAsync(projection.Tag))
                return false;
        return true;
    }
}
