using System.Text.Json.Nodes;
using Akka.Actor;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.Ocpp16;
using Xunit.Abstractions;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.Tests.Interop;

/// <summary>
/// Our charge point against an independent central system: the npm package ocpp-rpc in strict
/// mode (tests/interop/central-system.js). Every frame in both directions is validated against
/// the official 1.6 schemas there; the test asserts on what it received and on its failures.
/// </summary>
[Collection("interop")]
public sealed class OcppRpcInteropTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output), IAsyncLifetime
{
    private const string Password = "interop-key-0123456789";
    private CentralSystemProcess _cs = null!;

    public async Task InitializeAsync() => _cs = await CentralSystemProcess.StartAsync(Password, heartbeatSeconds: 2);

    public async Task DisposeAsync() => await _cs.DisposeAsync();

    private async Task<Record> WaitFor(string what, Func<Record, bool> condition, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var record = await _cs.RecordAsync();
            if (condition(record)) return record;
            if (DateTime.UtcNow > until)
                throw new Xunit.Sdk.XunitException($"waited {seconds} s for {what}; received: " +
                    string.Join(", ", record.Received.Select(r => r.Method)) + "; failures: " + string.Join(" | ", record.Failures));
            await Task.Delay(150);
        }
    }

    private async Task<ChargePointState> StateUntil(IActorRef cp, Func<ChargePointState, bool> condition, string what, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var s = await cp.Ask<ChargePointState>(GetState.Instance, TimeSpan.FromSeconds(5));
            if (condition(s)) return s;
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException($"waited {seconds} s for {what}; state {s}");
            await Task.Delay(100);
        }
    }

    private static string Status(JsonNode n) => n["status"]!.GetValue<string>();

    [Fact]
    public async Task A_session_with_every_profile_runs_against_ocpp_rpc_in_strict_mode_and_the_offline_queue_arrives_once_in_order()
    {
        var connector = new SimulatedConnector();
        var link = new WebSocketLink(new OcppConnectionSettings(
            new Uri($"ws://127.0.0.1:{_cs.Port}/ocpp"), "SE-INTEROP-1", AuthorizationKey: Password,
            Backoff: new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1))));
        var config = ChargePointConfiguration.Default(meterSampleSeconds: 2);
        config = config.Change("TransactionMessageRetryInterval", "1").Configuration;
        var cp = Sys.ActorOf(ChargePointActor.Props(new ChargePointSettings(new ChargerId("SE-INTEROP-1"), SerialNumber: "SE-0001",
            FirmwareVersion: "1.0.0", CallTimeout: TimeSpan.FromSeconds(10), BootRetry: TimeSpan.FromSeconds(2), Configuration: config), connector, link));

        // Boot, status, heartbeat.
        var r = await WaitFor("boot and a heartbeat", x => x.Of("BootNotification").Any() && x.Of("Heartbeat").Any());
        Assert.Equal("SmartElek", r.Of("BootNotification").First().Params["chargePointVendor"]!.GetValue<string>());
        Assert.Contains(r.Of("StatusNotification"), s => Status(s.Params) == "Available");
        Assert.All(r.PasswordMatched, Assert.True);

        // Plug in, local start with an unknown-to-the-cache tag: Authorize, then StartTransaction.
        connector.Vehicle = VehicleConnection.RequestingEnergy;
        cp.Tell(ConnectorChanged.Instance);
        cp.Tell(new LocalStartRequested("TAG-OK"));
        r = await WaitFor("authorize and start", x => x.Of("StartTransaction").Any());
        Assert.True(r.Of("Authorize").Single().Seq < r.Of("StartTransaction").Single().Seq);
        var tx1 = (await StateUntil(cp, s => s.TransactionId > 0, "the real transaction id")).TransactionId!.Value;
        r = await WaitFor("two meter values of the transaction", x => x.Of("MeterValues").Count(m => m.TransactionId == tx1) >= 2);
        var sampled = r.Of("MeterValues").First(m => m.TransactionId == tx1).Params["meterValue"]![0]!["sampledValue"]!.AsArray()
            .Select(v => v!["measurand"]!.GetValue<string>()).ToList();
        Assert.Equal(["Energy.Active.Import.Register", "Power.Active.Import", "Current.Import", "Current.Offered", "Voltage", "Frequency", "Power.Factor", "SoC"], sampled);

        // A TxProfile lowers the limit to 10 A: the connector gets it, the composite schedule shows it.
        var set = await _cs.CallAsync("SetChargingProfile", new
        {
            connectorId = 1,
            csChargingProfiles = new
            {
                chargingProfileId = 7, transactionId = tx1, stackLevel = 1, chargingProfilePurpose = "TxProfile", chargingProfileKind = "Relative",
                chargingSchedule = new { chargingRateUnit = "A", chargingSchedulePeriod = new[] { new { startPeriod = 0, limit = 10 } } },
            },
        });
        Assert.Equal("Accepted", Status(set));
        await AwaitAssertAsync(() => Assert.Equal(10m, connector.Limit), TimeSpan.FromSeconds(10));
        var composite = await _cs.CallAsync("GetCompositeSchedule", new { connectorId = 1, duration = 600, chargingRateUnit = "A" });
        Assert.Equal("Accepted", Status(composite));
        Assert.Equal(10m, composite["chargingSchedule"]!["chargingSchedulePeriod"]![0]!["limit"]!.GetValue<decimal>());

        // Remote stop, then remote start on the still plugged vehicle.
        Assert.Equal("Accepted", Status(await _cs.CallAsync("RemoteStopTransaction", new { transactionId = tx1 })));
        r = await WaitFor("the remote stop", x => x.Of("StopTransaction").Any());
        Assert.Equal("Remote", r.Of("StopTransaction").Single().Params["reason"]!.GetValue<string>());
        Assert.Equal(tx1, r.Of("StopTransaction").Single().TransactionId);
        await AwaitAssertAsync(() => Assert.Equal(32m, connector.Limit), TimeSpan.FromSeconds(10)); // the TxProfile went with it
        Assert.Equal("Accepted", Status(await _cs.CallAsync("RemoteStartTransaction", new { connectorId = 1, idTag = "TAG-OK" })));
        await WaitFor("the remote start", x => x.Of("StartTransaction").Count() == 2);
        var tx2 = (await StateUntil(cp, s => s.TransactionId > tx1, "the second transaction id")).TransactionId!.Value;

        // Trigger a meter value; a local list; a soft reset stops the transaction and boots again.
        Assert.Equal("Accepted", Status(await _cs.CallAsync("TriggerMessage", new { requestedMessage = "MeterValues", connectorId = 1 })));
        await WaitFor("the triggered meter values", x => x.Of("MeterValues").Any(m =>
            m.Params["meterValue"]![0]!["sampledValue"]![0]!["context"]?.GetValue<string>() == "Trigger"));
        Assert.Equal("Accepted", Status(await _cs.CallAsync("SendLocalList", new
        {
            listVersion = 1, updateType = "Full",
            localAuthorizationList = new[] { new { idTag = "TAG-OFF", idTagInfo = new { status = "Accepted" } } },
        })));
        Assert.Equal(1, (await _cs.CallAsync("GetLocalListVersion", new { }))["listVersion"]!.GetValue<int>());
        Assert.Equal("Accepted", Status(await _cs.CallAsync("Reset", new { type = "Soft" })));
        r = await WaitFor("the reset's stop and a new boot", x => x.Of("BootNotification").Count() == 2 && x.Of("StopTransaction").Count() == 2);
        Assert.Equal("SoftReset", r.Of("StopTransaction").Last().Params["reason"]!.GetValue<string>());
        Assert.Equal(tx2, r.Of("StopTransaction").Last().TransactionId);
        Assert.Equal([ResetType.Soft], connector.Resets);
        await StateUntil(cp, s => s.Registration == Registration.Accepted, "accepted after the reset");

        // Unplug; a reservation; the reserved tag starts from the local list with the reservation id.
        connector.Vehicle = VehicleConnection.None;
        cp.Tell(ConnectorChanged.Instance);
        await WaitFor("available after unplug", x => x.Of("StatusNotification").Any(s => s.Seq > x.Of("BootNotification").Last().Seq && Status(s.Params) == "Available"));
        Assert.Equal("Accepted", Status(await _cs.CallAsync("ReserveNow", new
        {
            connectorId = 1, expiryDate = DateTimeOffset.UtcNow.AddHours(1).ToString("O"), idTag = "TAG-OFF", reservationId = 5,
        })));
        await WaitFor("reserved", x => x.Of("StatusNotification").Any(s => Status(s.Params) == "Reserved"));
        connector.Vehicle = VehicleConnection.RequestingEnergy;
        cp.Tell(ConnectorChanged.Instance);
        var authorizesBefore = (await _cs.RecordAsync()).Of("Authorize").Count();
        cp.Tell(new LocalStartRequested("TAG-OFF"));
        r = await WaitFor("the reserved start", x => x.Of("StartTransaction").Count() == 3);
        Assert.Equal(5, r.Of("StartTransaction").Last().Params["reservationId"]!.GetValue<int>());
        Assert.Equal(authorizesBefore, r.Of("Authorize").Count()); // the local list pre-authorised it
        var tx3 = (await StateUntil(cp, s => s.TransactionId > tx2, "the third transaction id")).TransactionId!.Value;

        // The central system goes away during the session.
        var metersBefore = r.Of("MeterValues").Count(m => m.TransactionId == tx3);
        await WaitFor("a meter value of the third transaction", x => x.Of("MeterValues").Count(m => m.TransactionId == tx3) > metersBefore);
        await _cs.GoAwayAsync();
        await StateUntil(cp, s => !s.Connected, "the disconnect");
        var receivedBeforeOutage = (await _cs.RecordAsync()).Received.Count;
        await Task.Delay(TimeSpan.FromSeconds(3)); // meter values of tx3 queue up
        cp.Tell(new LocalStopRequested());
        cp.Tell(new LocalStartRequested("TAG-OFF")); // offline start: local list, placeholder id
        await StateUntil(cp, s => s.TransactionId < 0, "the offline transaction");
        await Task.Delay(TimeSpan.FromSeconds(3)); // meter values with the placeholder queue up (one at least)
        var queued = (await cp.Ask<ChargePointState>(GetState.Instance, TimeSpan.FromSeconds(5))).QueuedTransactionMessages;
        Assert.True(queued >= 4, $"expected at least 4 queued transaction messages, found {queued}");

        await _cs.ComeBackAsync();
        await StateUntil(cp, s => s.Connected && s.QueuedTransactionMessages == 0 && s.TransactionId > 0, "the queue to drain", 30);
        var tx4 = (await cp.Ask<ChargePointState>(GetState.Instance, TimeSpan.FromSeconds(5))).TransactionId!.Value;
        r = await _cs.RecordAsync();

        var afterOutage = r.Received.Skip(receivedBeforeOutage)
            .Where(c => c.Method is "StartTransaction" or "StopTransaction" or "MeterValues" && !IsTriggered(c)).ToList();
        Assert.True(afterOutage.Count >= queued, $"{afterOutage.Count} transaction messages after the outage, {queued} were queued");
        // In order: tx3's meter values, its stop, the offline start, then tx4's meter values with the real id.
        var stop3 = afterOutage.FindIndex(c => c.Method == "StopTransaction");
        var start4 = afterOutage.FindIndex(c => c.Method == "StartTransaction");
        Assert.True(stop3 >= 0 && start4 > stop3, string.Join(", ", afterOutage.Select(c => c.Method)));
        Assert.All(afterOutage.Take(stop3 + 1), c => Assert.Equal(tx3, c.TransactionId));
        Assert.All(afterOutage.Skip(start4 + 1), c => Assert.Equal(tx4, c.TransactionId));
        Assert.Equal("Local", afterOutage[stop3].Params["reason"]!.GetValue<string>());

        // Over the whole run: every transaction message once, in chronological order, no placeholder leaked.
        var txMessages = r.Received.Where(c => c.Method is "StartTransaction" or "StopTransaction" or "MeterValues" && !IsTriggered(c)).ToList();
        var keys = txMessages.Select(c => $"{c.Method}|{c.TransactionId}|{c.Timestamp}").ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        var stamps = txMessages.Select(c => DateTimeOffset.Parse(c.Timestamp!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(stamps.Order().ToList(), stamps);
        Assert.DoesNotContain(r.Received, c => c.TransactionId < 0);
        Assert.Equal(4, r.Of("StartTransaction").Count());
        Assert.Equal(3, r.Of("StopTransaction").Count());

        // The strict central system saw no schema violation in either direction, and auth always matched.
        Assert.Empty(r.Failures);
        Assert.All(r.PasswordMatched, Assert.True);
        Assert.True(r.PasswordMatched.Count >= 2);

        // And the record does catch violations: a CALL the schemas forbid is refused and recorded.
        await Assert.ThrowsAsync<CentralSystemException>(() => _cs.CallAsync("Reset", new { type = "Warm" }));
        Assert.Single((await _cs.RecordAsync()).Failures);
    }

    private static bool IsTriggered(ReceivedCall c) =>
        c.Method == "MeterValues" && c.Params["meterValue"]![0]!["sampledValue"]![0]!["context"]?.GetValue<string>() == "Trigger";
}
