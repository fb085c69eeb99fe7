using Akka.Actor;
using Akka.TestKit;
using Microsoft.Data.Sqlite;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.Tests.Interop;
using Xunit.Abstractions;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.Tests;

/// <summary>
/// A store that fails (its SQLite file locked by another process past the busy timeout, or its
/// PostgreSQL server stopped): a clear error, no change lost, no CALL sent before its row is written.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class StoreOutageTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(UnitTestConfig.VirtualClock, output: output)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Another process's write transaction on the file: every writer of ours gets SQLITE_BUSY.</summary>
    internal static SqliteConnection Lock(string file)
    {
        var locker = new SqliteConnection($"Data Source={file};Pooling=False");
        locker.Open();
        using var c = locker.CreateCommand();
        c.CommandText = "BEGIN IMMEDIATE";
        c.ExecuteNonQuery();
        return locker;
    }

    internal static async Task WriteHeldChanges(ITransactionMessageQueue queue)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (queue.UnwrittenChanges > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100); // past the store's retryAfter
            queue.RetryWrites();
            if (queue is DurableChargePoint durable) durable.WaitWritten(TimeSpan.FromSeconds(30));
        }
        Assert.True(queue.UnwrittenChanges == 0, $"still held: {queue.StoreError}");
    }

    /// <summary>On any store: a session's messages made while it fails are held in order, not offered, and written once it is back.</summary>
    internal static async Task HoldsAndWritesBack(Func<ChargePointStore> open, Func<Task> fail, Func<Task> restore, string location)
    {
        var id = new ChargerId("SE-OUT");
        var start = new StartTransactionRequest(1, "TAG-OUT", 100, T0);
        var meter = new MeterValuesRequest(1, [new MeterValue(T0.AddMinutes(1), [new SampledValue("160", Unit: UnitOfMeasure.Wh)])], -1);
        var stop = new StopTransactionRequest(220, T0.AddMinutes(2), -1, "TAG-OUT", StopTransactionReason.Local);
        using (var store = open())
        {
            var cp = store.For(id);
            cp.RememberTransaction(new RememberedTransaction(1, -1, "TAG-OUT", 100, T0));
            cp.Enqueue(start, -1);
            Assert.True(cp.WaitWritten(TimeSpan.FromSeconds(30)), cp.StoreError);
            Assert.Equal(start, cp.Peek()!.Request);
            await fail();

            cp.Enqueue(meter);
            cp.Enqueue(stop);
            cp.RememberTransaction(null);
            cp.RemapTransactionId(-1, 42);                  // StartTransaction answered: its row leaves, the others carry 42
            cp.RemoveHead();
            Assert.False(cp.WaitWritten(TimeSpan.FromSeconds(30)));
            Assert.Equal(2, cp.Count);                       // nothing lost
            Assert.Null(cp.Peek());                          // but nothing offered that is not stored
            Assert.Equal(5, cp.UnwrittenChanges);           // two messages, the forgotten transaction, the remap, the removal
            Assert.Contains(location, cp.StoreError);
            Assert.Contains("SE-OUT", cp.StoreError);
            Assert.Contains("transaction message 2 (MeterValues)", cp.StoreError);

            await restore();
            await WriteHeldChanges(cp);
            Assert.Null(cp.StoreError);
            Assert.Equal(42, ((MeterValuesRequest)cp.Peek()!.Request).TransactionId);
        }
        using (var store = open())
        {
            var cp = store.For(id);
            Assert.Equal([(2L, "MeterValues", 42), (3L, "StopTransaction", 42)], cp.Snapshot().Select(m => (m.Sequence, OcppActions.ForRequest(m.Request).Name,
                m.Request switch { MeterValuesRequest v => v.TransactionId!.Value, StopTransactionRequest s => s.TransactionId, _ => 0 })));
            Assert.Null(cp.Recall().Transaction);
        }
    }

    [Fact]
    public async Task A_locked_SQLite_file_holds_the_changes_in_order_offers_none_unstored_and_writes_them_when_released()
    {
        using var folder = new TempFolder();
        var file = folder.File("outage.db");
        SqliteConnection? locker = null;
        await HoldsAndWritesBack(() => ChargePointStore.Sqlite(file, busyTimeout: TimeSpan.FromSeconds(1), retryAfter: TimeSpan.FromMilliseconds(50)),
            () => { locker = Lock(file); return Task.CompletedTask; },
            () => { locker!.Dispose(); return Task.CompletedTask; },
            file);
    }

    [Fact]
    public void A_store_that_cannot_be_opened_says_where_and_why()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("a-folder.db")); // a folder where the file should be
        var e = Assert.Throws<ChargePointStoreException>(() => ChargePointStore.Sqlite(folder.File("a-folder.db")));
        Assert.Contains(folder.File("a-folder.db"), e.Message);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public async Task While_the_file_is_locked_a_session_runs_on_and_its_messages_go_out_in_order_once_they_are_stored()
    {
        using var folder = new TempFolder();
        var file = folder.File("session.db");
        var scheduler = (TestScheduler)Sys.Scheduler;
        using var store = ChargePointStore.Sqlite(file, busyTimeout: TimeSpan.FromSeconds(1), retryAfter: TimeSpan.FromMilliseconds(50));
        var memory = store.For(new ChargerId("SE-LOCKED"));
        var wire = CreateTestProbe();
        var connector = new SimulatedConnector { Vehicle = VehicleConnection.RequestingEnergy };
        var begin = scheduler.Now;
        var cp = Sys.ActorOf(ChargePointActor.Props(new ChargePointSettings(new ChargerId("SE-LOCKED"), Configuration: ChargePointConfiguration.Default(heartbeatSeconds: 0),
            Clock: () => T0 + (scheduler.Now - begin), StoreRetry: TimeSpan.FromSeconds(5)), connector, new ProbeLink(wire.Ref), memory, memory));
        async Task<DecodedCall> Next(string action)
        {
            while (true)
            {
                var call = Assert.IsType<DecodedCall>(OcppFrames.Decode(await wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(10))));
                if (call.Action == action) return call;
                Assert.Equal("StatusNotification", call.Action);
                cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeResult(call.MessageId, new StatusNotificationResponse())));
            }
        }
        void Answer(DecodedCall call, IOcppResponse response) => cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeResult(call.MessageId, response)));

        cp.Tell(new OcppLinkProtocol.Connected(new Uri("ws://test/SE-LOCKED")));
        Answer(await Next("BootNotification"), new BootNotificationResponse(RegistrationStatus.Accepted, T0, 0));
        Answer(await Next("StatusNotification"), new StatusNotificationResponse());

        using (Lock(file))
        {
            cp.Tell(new LocalStartRequested("TAG-L"));
            Answer(await Next("Authorize"), new AuthorizeResponse(new IdTagInfo(AuthorizationStatus.Accepted)));
            Assert.True((await cp.Ask<ChargePointState>(GetState.Instance, TimeSpan.FromSeconds(20))).TransactionId < 0);
            scheduler.Advance(TimeSpan.FromSeconds(60));                 // one periodic MeterValues
            await cp.Ask<ChargePointState>(GetState.Instance, TimeSpan.FromSeconds(20));
            cp.Tell(new LocalStopRequested());
            var state = await cp.Ask<ChargePointState>(GetState.Instance, TimeSpan.FromSeconds(20));
            Assert.Equal((null, 3), (state.TransactionId, state.QueuedTransactionMessages)); // the actor lives on, nothing lost
            Assert.False(memory.WaitWritten(TimeSpan.FromSeconds(30)));
            Assert.Contains(file, memory.StoreError);
            // Only status on the wire: no transaction message before its row is written.
            while (await wire.ReceiveOneAsync(TimeSpan.FromMilliseconds(300)) is string text)
            {
                var call = Assert.IsType<DecodedCall>(OcppFrames.Decode(text));
                Assert.Equal("StatusNotification", call.Action);
                Answer(call, new StatusNotificationResponse());
            }
        }

        await Task.Delay(100);                                           // past retryAfter
        scheduler.Advance(TimeSpan.FromSeconds(5));                      // the store retry
        var startCall = await Next("StartTransaction");
        Answer(startCall, new StartTransactionResponse(new IdTagInfo(AuthorizationStatus.Accepted), 9));
        var meterCall = await Next("MeterValues");
        Assert.Equal(9, ((MeterValuesRequest)meterCall.Request).TransactionId);
        Answer(meterCall, new MeterValuesResponse());
        var stopCall = await Next("StopTransaction");
        Assert.Equal((9, StopTransactionReason.Local), (((StopTransactionRequest)stopCall.Request).TransactionId, ((StopTransactionRequest)stopCall.Request).Reason!.Value));
        Answer(stopCall, new StopTransactionResponse());
        await cp.Ask<ChargePointState>(GetState.Instance);
        Assert.True(memory.WaitWritten(TimeSpan.FromSeconds(30)), memory.StoreError);
        Assert.Empty(memory.Snapshot());
        using var reopened = ChargePointStore.Sqlite(file);
        Assert.Empty(reopened.For(new ChargerId("SE-LOCKED")).Snapshot());
        Assert.Equal(AuthorizationStatus.Accepted, reopened.For(new ChargerId("SE-LOCKED")).Recall().AuthorizationCache!["TAG-L"].Info.Status);
    }
}
