using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using SmartElek.Actors.Persistence;

namespace SmartElek.Actors.ReadSide;

/// <summary>
/// Opens the site's read journal. Its constructor blocks for at most 5 s (fixed in Akka.Persistence.Sql)
/// until the write journal says it has initialized, and throws past that: on a busy machine or a slow
/// database that would fail a report or restart a projector for nothing. The first attempt also starts
/// the write journal, so a later one finds it ready: it is tried again until <c>within</c> is over.
/// </summary>
public static class ReadJournals
{
    public static async Task<SqlReadJournal> OpenAsync(ActorSystem system, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                // Off the caller's thread: the constructor waits synchronously.
                return await Task.Run(() => PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(PersistenceHocon.ReadJournalPluginId));
            }
            catch (Exception e) when (DateTime.UtcNow < deadline && IsStartTimeout(e))
            {
                // The write journal was not initialized within the constructor's 5 s: ask again.
            }
        }
    }

    private static bool IsStartTimeout(Exception e) =>
        e is AskTimeoutException || (e is AggregateException a && a.InnerExceptions.All(IsStartTimeout));
}
