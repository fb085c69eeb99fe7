using Akka.Actor;
using SmartElek.Actors.Charger;
using SmartElek.Actors.ReadSide;
using SmartElek.Actors.Tests.Persistence;
using SmartElek.Charger.Journal;
using static SmartElek.Charger.Sessions.SessionEvents;

namespace SmartElek.Actors.Tests.ReadSide;

/// <summary>
/// A node that starts while its PostgreSQL is down: the projectors must wait for it, not die. (Before,
/// the read journal was taken in PreStart; it times out without its database, the actor failed to
/// initialise and was stopped for good, and the site ran on without a read side.) This class stops its
/// server, so it has one of its own.
/// </summary>
public sealed class ReadSideProjectorOutageTests(PostgreSqlFixture postgres) : IClassFixture<PostgreSqlFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly ChargerId Charger = new("outage-read-1");
    private ActorSystem? system;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (system is not null) await system.Terminate();
    }

    [Fact]
    public async Task Projectors_started_while_the_database_is_down_project_once_it_answers()
    {
        var database = await postgres.NewDatabaseAsync("outage_read");
        var store = new ReadStore(database.Options, database.Environment);
        var fast = ReadSideProjectorSettings.Default with
        {
            BatchWindow = TimeSpan.FromMilliseconds(100),
            MinBackoff = TimeSpan.FromMilliseconds(500),
            MaxBackoff = TimeSpan.FromSeconds(2),
        };
        await postgres.Server.StopAsync();
        system = ActorSystem.Create("read-outage", database.Config());
        var projectors = ReadSideProjection.All.Select(p => system.ActorOf(ReadSideProjector.Props(store, p, fast), "read-" + p.Name)).ToArray();
        var watcher = system.ActorOf(Props.Create(() => new Watcher(projectors)), "watcher");

        // Longer than the read journal's own 5 s start-up timeout: the old projector was dead by now.
        await Task.Delay(TimeSpan.FromSeconds(8));
        Assert.Equal(0, await watcher.Ask<int>("terminated", Timeout));

        await postgres.Server.StartAgainAsync();
        var journal = system.ActorOf(ChargerJournal.GuardProps(Charger, new ChargerJournalSettings()), "journal");
        var t0 = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        await journal.Ask<ChargerJournalProtocol.Recovered>(new ChargerJournalProtocol.PowerUp(t0), Timeout);
        journal.Tell(new ChargerJournalProtocol.Record(
            [new PluggedIn("s-1", t0, 0), new ChargerJournalEvents.EnergyRecorded(Charger, t0.AddMinutes(5), 600, "s-1")]));

        var deadline = DateTime.UtcNow + Timeout;
        IReadOnlyList<SessionRecord> sessions = [];
        double energy = 0;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                sessions = await store.SessionsAsync(ReadPeriod.All);
                energy = (await store.TotalsAsync(ReadPeriod.All, 1)).EnergyWh;
                if (sessions.Count == 1 && energy >= 600) break;
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
            {
                // The projectors create their tables once their back-off lets them at the database again.
            }
            await Task.Delay(200);
        }
        Assert.Equal("s-1", Assert.Single(sessions).SessionId);
        Assert.Equal(600, energy, 1e-9);
        Assert.Equal(600, sessions[0].EnergyWh, 1e-9); // running, to its newest reading
        Assert.Equal(0, await watcher.Ask<int>("terminated", Timeout));
    }

    // Counts the projectors that stopped.
    private sealed class Watcher : ReceiveActor
    {
        private int terminated;

        public Watcher(IEnumerable<IActorRef> watched)
        {
            foreach (var w in watched) Context.Watch(w);
            Receive<Terminated>(_ => terminated++);
            Receive<string>(_ => Sender.Tell(terminated));
        }
    }
}
