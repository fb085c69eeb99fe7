using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using SmartElek.Actors.Persistence;
using Status = SmartElek.Actors.Persistence.PersistenceGuardProtocol.Status;

namespace SmartElek.Actors.Tests.Persistence;

/// <summary>
/// A PostgreSQL outage in the middle of a charging session: commands keep being taken, nothing is
/// lost, and the events reach the journal once the server is back. This class stops its server,
/// so it has one of its own (class fixture), not the shared collection's.
/// </summary>
public sealed class PersistenceGuardOutageTests(PostgreSqlFixture postgres) : IClassFixture<PostgreSqlFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private ActorSystem? system;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (system is not null) await system.Terminate();
    }

    private static async Task<Status> AwaitStatusAsync(IActorRef guard, Func<Status, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        Status status;
        do
        {
            status = await guard.Ask<Status>(PersistenceGuardProtocol.GetStatus.Instance, Timeout);
            if (condition(status)) return status;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        throw new Xunit.Sdk.XunitException($"Guard never reached '{what}'; last status {status}.");
    }

    [Fact]
    public async Task Commands_taken_while_the_database_is_down_are_stored_once_it_returns()
    {
        var database = await postgres.NewDatabaseAsync("outage");
        system = ActorSystem.Create("outage", database.Config("akka.loglevel = INFO")); // the log is part of what is tested
        var charger = new ChargerId("outage-1");
        var settings = new PersistenceGuardSettings
        {
            Capacity = 100,
            MinBackoff = TimeSpan.FromMilliseconds(300),
            MaxBackoff = TimeSpan.FromSeconds(1),
        };
        var logs = new ConcurrentQueue<LogEvent>();
        var listener = system.ActorOf(Props.Create(() => new LogCollector(logs)));
        system.EventStream.Subscribe(listener, typeof(LogEvent));
        var guard = system.ActorOf(PersistenceGuard.Props(g => GuardedTestLedger.Props(charger, g), "ledger", settings), "guard");
        var random = new Random(11);
        var beforeOutage = Enumerable.Range(0, 5).Select(_ => random.NextInt64(1, 10_000)).ToArray();
        var duringOutage = Enumerable.Range(0, 6).Select(_ => random.NextInt64(1, 10_000)).ToArray();

        foreach (var amount in beforeOutage)
            await guard.Ask<TestLedgerProtocol.Credited>(new TestLedgerProtocol.Credit(amount), Timeout);
        await AwaitStatusAsync(guard, s => s is { Ready: true, Pending: 0, Stored: 5 }, "5 stored");

        await postgres.Server.StopAsync();
        foreach (var amount in duringOutage)
            guard.Tell(new TestLedgerProtocol.Credit(amount));
        // The writes fail, the ledger is stopped and restarted with back-off; the guard holds all six.
        var down = await AwaitStatusAsync(guard, s => s is { Ready: false, Pending: 6 }, "holding 6 with the ledger down");
        Assert.Equal(5, down.Stored);
        // More failed attempts than the (at most two) warnings it may tell, and still nothing lost or stored twice.
        var later = await AwaitStatusAsync(guard, s => s.Failures > Math.Max(down.Failures, 2), "three failed attempts with the ledger down");
        Assert.Equal(6, later.Pending);
        Assert.Equal(5, later.Stored);

        await postgres.Server.StartAgainAsync();
        var up = await AwaitStatusAsync(guard, s => s is { Ready: true, Pending: 0 }, "all stored after the outage");
        Assert.Equal(11, up.Stored);
        Assert.Equal(0, up.Overflowed);
        Assert.True(up.Recoveries >= 1, $"the ledger should have recovered at least once after stopping: {up}");

        // Told once per cause, not at every attempt (the server shutting down, then refusing
        // connections), no error with a stack trace from the ledger however often it failed, and a
        // line when it is back.
        var fromGuard = logs.Where(l => l.LogSource.Contains("/user/guard", StringComparison.Ordinal)).ToList();
        var told = fromGuard.Where(l => l.LogLevel() == LogLevel.WarningLevel).Select(l => l.Message.ToString()!).ToList();
        Assert.InRange(told.Count, 1, 2);
        Assert.True(up.Failures > told.Count, $"more failures than warnings expected: {up}, told {told.Count}");
        Assert.Contains("write of LedgerCredited", told[0]);
        Assert.Contains("holding 6 command(s)", told[0]);
        Assert.DoesNotContain(fromGuard, l => l.LogLevel() == LogLevel.ErrorLevel);
        // Log events reach the collector through the event stream, a moment after the guard wrote them.
        var deadline = DateTime.UtcNow + Timeout;
        while (!logs.Any(l => l.LogLevel() == LogLevel.InfoLevel && l.Message.ToString()!.Contains("recovered after", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the guard never said the ledger recovered after its failures");
            await Task.Delay(50);
        }

        var total = await guard.Ask<TestLedgerProtocol.Total>(TestLedgerProtocol.GetTotal.Instance, Timeout);
        Assert.Equal(new TestLedgerProtocol.Total(beforeOutage.Sum() + duringOutage.Sum(), 11), total);

        // The journal itself holds each event once, in the order the commands were given.
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(PersistenceHocon.ReadJournalPluginId);
        var events = await journal.CurrentEventsByPersistenceId("guarded-ledger-outage-1", 0, long.MaxValue)
            .Select(e => ((LedgerCredited)e.Event).Amount)
            .RunWith(Sink.Seq<long>(), system.Materializer());
        Assert.Equal(beforeOutage.Concat(duringOutage), events);
    }

    [Fact]
    public async Task A_full_guard_refuses_new_commands_and_says_so()
    {
        var database = await postgres.NewDatabaseAsync("overflow");
        system = ActorSystem.Create("overflow", database.Config());
        var charger = new ChargerId("overflow-1");
        // A back-off longer than the test: the ledger is not started in time, so everything waits in the guard.
        var settings = new PersistenceGuardSettings { Capacity = 3, MinBackoff = TimeSpan.FromMinutes(5), MaxBackoff = TimeSpan.FromMinutes(5) };
        var guard = system.ActorOf(PersistenceGuard.Props(g => Props.Create(() => new NeverReady()), "ledger", settings), "guard");

        foreach (var amount in new long[] { 1, 2, 3 })
            guard.Tell(new TestLedgerProtocol.Credit(amount));
        var refused = await guard.Ask<PersistenceGuardProtocol.Overflowed>(new TestLedgerProtocol.Credit(4), Timeout);
        Assert.Equal(new TestLedgerProtocol.Credit(4), refused.Command);
        Assert.Equal(3, refused.Capacity);
        var status = await guard.Ask<Status>(PersistenceGuardProtocol.GetStatus.Instance, Timeout);
        Assert.Equal(new Status(false, 3, 0, 0, 1, 0, 0), status);
    }

    private sealed class LogCollector : ReceiveActor
    {
        public LogCollector(ConcurrentQueue<LogEvent> logs) => Receive<LogEvent>(logs.Enqueue);
    }

    /// <summary>A stand-in for a persistent actor that has not recovered yet: never says Ready.</summary>
    private sealed class NeverReady : ReceiveActor
    {
        public NeverReady() => ReceiveAny(_ => { });
    }
}
