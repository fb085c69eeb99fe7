using System.Text.Json.Nodes;
using Akka.Actor;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using Xunit.Abstractions;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.Tests.Interop;

/// <summary>
/// Invariant 4 across a restart: transaction messages queued while the central system is away
/// are in a real SQLite file; the actor system stops, a new one starts on the same file, and when
/// the central system comes back every message arrives once, in order, with the real transaction
/// id in place of the offline placeholder. Profiles, changed configuration and the local list come back too.
/// The charger is <see cref="SimulatedConnector"/>: this test is about the charge point's memory.
/// </summary>
[Collection("interop")]
public sealed class DurableRestartInteropTests(ITestOutputHelper output) : InteropTest(output, "restart-key-0123456789", heartbeatSeconds: 30)
{
    private static readonly string[] TransactionMethods = ["StartTransaction", "StopTransaction", "MeterValues"];

    private ChargePointSettings Settings(ChargerId id) => new(id, CallTimeout: TimeSpan.FromSeconds(10), BootRetry: TimeSpan.FromSeconds(2),
        Configuration: ChargePointConfiguration.Default(meterSampleSeconds: 60).Change("TransactionMessageRetryInterval", "1").Configuration);

    private static string Key(ReceivedCall c) => $"{c.Method}|{c.TransactionId}|{c.Timestamp}";

    [Fact]
    public async Task Messages_queued_offline_reach_the_central_system_once_in_order_from_a_new_actor_system_on_the_same_SQLite_file()
    {
        using var folder = new TempFolder();
        var file = folder.File("ocpp.db");
        var id = new ChargerId("SE-DURABLE-1");

        // ---- first life ----
        var first = ActorSystem.Create("first-life", "akka.loglevel = WARNING");
        var store = ChargePointStore.Sqlite(file);
        var memory = store.For(id);
        var connector = new SimulatedConnector();
        var cp = first.ActorOf(ChargePointActor.Props(Settings(id), connector, Link(id.Value), memory, memory), "cp");
        await WaitFor("boot", x => x.Of("BootNotification").Any() && x.Of("StatusNotification").Any());
        await StateUntil(cp, s => s.Registration == Registration.Accepted, "accepted");

        // The central system caps the charge point at 16 A and samples every second.
        Assert.Equal("Accepted", Status(await CentralSystem.CallAsync("SetChargingProfile", new
        {
            connectorId = 0,
            csChargingProfiles = new
            {
                chargingProfileId = 11, stackLevel = 0, chargingProfilePurpose = "ChargePointMaxProfile", chargingProfileKind = "Absolute",
                chargingSchedule = new { chargingRateUnit = "A", startSchedule = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
                    chargingSchedulePeriod = new[] { new { startPeriod = 0, limit = 16 } } },
            },
        })));
        Assert.Equal("Accepted", Status(await CentralSystem.CallAsync("ChangeConfiguration", new { key = "MeterValueSampleInterval", value = "1" })));
        await Until(() => connector.Limit == 16m, "the 16 A cap applied");
        Assert.Equal("Accepted", Status(await CentralSystem.CallAsync("SendLocalList", new
        {
            listVersion = 3, updateType = "Full",
            localAuthorizationList = new[] { new { idTag = "TAG-LIST", idTagInfo = new { status = "Accepted" } } },
        })));

        // An online transaction, then the central system goes away.
        connector.Vehicle = VehicleConnection.RequestingEnergy;
        cp.Tell(ConnectorChanged.Instance);
        cp.Tell(new LocalStartRequested("TAG-OK"));
        var tx1 = (await StateUntil(cp, s => s.TransactionId > 0, "the online transaction")).TransactionId!.Value;
        await WaitFor("a meter value of it", x => x.Of("MeterValues").Any(m => m.TransactionId == tx1));
        await CentralSystem.GoAwayAsync();
        await StateUntil(cp, s => !s.Connected, "the disconnect");
        var receivedBefore = (await CentralSystem.RecordAsync()).Received.Count;

        // Offline: tx1's meter values and stop, a new transaction on a placeholder id (the cache knows the tag), its stop.
        await StateUntil(cp, s => s.QueuedTransactionMessages >= 2, "two of tx1's meter values queued offline");
        cp.Tell(new LocalStopRequested());
        cp.Tell(new LocalStartRequested("TAG-OK"));
        var offline = await StateUntil(cp, s => s.TransactionId < 0, "the offline transaction");
        await StateUntil(cp, s => s.QueuedTransactionMessages > offline.QueuedTransactionMessages, "a meter value of the offline transaction queued");
        cp.Tell(new LocalStopRequested());
        var queued = (await StateUntil(cp, s => s.TransactionId is null, "the offline stop")).QueuedTransactionMessages;
        Assert.True(queued >= 6, $"expected at least 6 queued messages, found {queued}");
        var owed = memory.Snapshot().Select(m => new ReceivedCall(0, OcppActions.ForRequest(m.Request).Name,
            JsonNode.Parse(OcppFrames.EncodeCall("x", m.Request))![3]!.AsObject())).ToList();
        Assert.Contains(owed, c => c.TransactionId < 0);

        // The actor system stops (the process ends); nothing is sent meanwhile.
        await first.Terminate();
        store.Dispose();

        // ---- second life on the same file ----
        var second = ActorSystem.Create("second-life", "akka.loglevel = WARNING");
        try
        {
            using var store2 = ChargePointStore.Sqlite(file);
            var memory2 = store2.For(id);
            Assert.Equal(queued, memory2.Count);
            var connector2 = new SimulatedConnector();
            var cp2 = second.ActorOf(ChargePointActor.Props(Settings(id), connector2, Link(id.Value), memory2, memory2), "cp");
            await Until(() => connector2.Limit == 16m, "the remembered 16 A cap applied at start");

            await CentralSystem.ComeBackAsync();
            await StateUntil(cp2, s => s.Connected && s.Registration == Registration.Accepted && s.QueuedTransactionMessages == 0, "the queue drained", 30);
            Assert.Equal(0, memory2.Count);
            var r = await CentralSystem.RecordAsync();

            var delivered = r.Received.Skip(receivedBefore).Where(c => TransactionMethods.Contains(c.Method)).ToList();
            Assert.Equal(queued, delivered.Count);
            var offlineStart = delivered.Single(c => c.Method == "StartTransaction");
            // Once, in the order queued, the placeholder replaced by the id the central system gave.
            Assert.Equal(owed.Select(c => $"{c.Method}|{c.Timestamp}"), delivered.Select(c => $"{c.Method}|{c.Timestamp}"));
            Assert.All(delivered.Where(c => c.Seq < offlineStart.Seq), c => Assert.True(c.Method == "StopTransaction" || c.TransactionId == tx1));
            var later = delivered.Where(c => c.Seq > offlineStart.Seq).ToList();
            Assert.Contains(later, c => c.Method == "StopTransaction");
            var tx2 = Assert.Single(later.Select(c => c.TransactionId).Distinct());
            Assert.True(tx2 > tx1, $"the offline transaction's id {tx2} is the central system's, after {tx1}");
            var all = r.Received.Where(c => TransactionMethods.Contains(c.Method)).Select(Key).ToList();
            Assert.Equal(all.Count, all.Distinct().Count());
            Assert.DoesNotContain(r.Received, c => c.TransactionId < 0);

            // Profiles and configuration came back with the new actor system.
            var composite = await CentralSystem.CallAsync("GetCompositeSchedule", new { connectorId = 0, duration = 60, chargingRateUnit = "A" });
            Assert.Equal(16m, composite["chargingSchedule"]!["chargingSchedulePeriod"]![0]!["limit"]!.GetValue<decimal>());
            var configuration = await CentralSystem.CallAsync("GetConfiguration", new { key = new[] { "MeterValueSampleInterval" } });
            Assert.Equal("1", configuration["configurationKey"]![0]!["value"]!.GetValue<string>());
            Assert.Equal(3, (await CentralSystem.CallAsync("GetLocalListVersion", new { }))["listVersion"]!.GetValue<int>());
            // The remembered list authorises offline: a tag the central system never saw starts a transaction at once.
            await CentralSystem.GoAwayAsync();
            await StateUntil(cp2, s => !s.Connected, "the second disconnect");
            connector2.Vehicle = VehicleConnection.RequestingEnergy;
            cp2.Tell(ConnectorChanged.Instance);
            cp2.Tell(new LocalStartRequested("TAG-LIST"));
            await StateUntil(cp2, s => s.TransactionId < 0, "an offline transaction for the listed tag");
            Assert.Empty((await CentralSystem.RecordAsync()).Failures);
        }
        finally
        {
            await second.Terminate();
        }
    }

    [Fact]
    public async Task A_transaction_cut_by_the_actor_system_dying_is_stopped_with_PowerLoss_once_after_the_restart()
    {
        using var folder = new TempFolder();
        var file = folder.File("ocpp.db");
        var id = new ChargerId("SE-POWERLOSS-1");

        // ---- first life: a transaction starts online, then everything dies (no stop is sent) ----
        var first = ActorSystem.Create("powerloss-first", "akka.loglevel = WARNING");
        var store = ChargePointStore.Sqlite(file);
        var memory = store.For(id);
        var connector = new SimulatedConnector(registerWh: 10_000m) { Vehicle = VehicleConnection.RequestingEnergy };
        var cp = first.ActorOf(ChargePointActor.Props(Settings(id), connector, Link(id.Value), memory, memory), "cp");
        await StateUntil(cp, s => s.Registration == Registration.Accepted, "accepted");
        cp.Tell(new LocalStartRequested("TAG-OK"));
        var tx = (await StateUntil(cp, s => s.TransactionId > 0, "the online transaction")).TransactionId!.Value;
        var start = (await WaitFor("its start", x => x.Of("StartTransaction").Any())).Of("StartTransaction").Single();
        Assert.Equal(tx, memory.Recall().Transaction!.TransactionId);
        await first.Terminate();
        store.Dispose();
        var before = await CentralSystem.RecordAsync();
        Assert.DoesNotContain(before.Received, c => c.Method == "StopTransaction");

        // ---- second life on the same file: the charger's register went on to 12 345 Wh before the power went ----
        var second = ActorSystem.Create("powerloss-second", "akka.loglevel = WARNING");
        try
        {
            using var store2 = ChargePointStore.Sqlite(file);
            var memory2 = store2.For(id);
            var cut = memory2.Recall().Transaction!;
            Assert.Equal((tx, "TAG-OK", 10_000L), (cut.TransactionId, cut.IdTag, cut.MeterStart));
            var cp2 = second.ActorOf(ChargePointActor.Props(Settings(id), new SimulatedConnector(registerWh: 12_345m), Link(id.Value), memory2, memory2), "cp");
            var r = await WaitFor("the PowerLoss stop", x => x.Of("StopTransaction").Any(), 30);
            await StateUntil(cp2, s => s.Registration == Registration.Accepted && s.QueuedTransactionMessages == 0 && s.TransactionId is null, "the queue drained");
            var stop = Assert.Single(r.Of("StopTransaction"));
            Assert.Equal(tx, stop.TransactionId);
            Assert.Equal("PowerLoss", stop.Params["reason"]!.GetValue<string>());
            Assert.Equal(12_345, stop.Params["meterStop"]!.GetValue<int>());
            Assert.Equal("TAG-OK", stop.Params["idTag"]!.GetValue<string>());
            Assert.True(DateTimeOffset.Parse(stop.Timestamp!, System.Globalization.CultureInfo.InvariantCulture)
                >= DateTimeOffset.Parse(start.Timestamp!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Null(memory2.Recall().Transaction);
        }
        finally
        {
            await second.Terminate();
        }

        // ---- third life: nothing is owed any more, nothing is sent again ----
        var third = ActorSystem.Create("powerloss-third", "akka.loglevel = WARNING");
        try
        {
            using var store3 = ChargePointStore.Sqlite(file);
            var memory3 = store3.For(id);
            var boots = (await CentralSystem.RecordAsync()).Of("BootNotification").Count();
            var cp3 = third.ActorOf(ChargePointActor.Props(Settings(id), new SimulatedConnector(registerWh: 12_345m), Link(id.Value), memory3, memory3), "cp");
            await WaitFor("the third boot and its status", x => x.Of("BootNotification").Count() > boots && x.Received.Last().Method == "StatusNotification");
            await StateUntil(cp3, s => s.Registration == Registration.Accepted && s.QueuedTransactionMessages == 0, "accepted, nothing queued");
            var r = await CentralSystem.RecordAsync();
            Assert.Single(r.Of("StopTransaction"));
            Assert.Empty(r.Failures);
        }
        finally
        {
            await third.Terminate();
        }
    }
}
