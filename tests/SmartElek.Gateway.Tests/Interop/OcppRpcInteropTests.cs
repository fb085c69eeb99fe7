using Akka.Actor;
using SmartElek.Actors.Charger;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Simulation;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.SmartCharging;
using Xunit.Abstractions;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.Tests.Interop;

/// <summary>
/// The real charger as an OCPP 1.6J charge point against an independent central system: the npm
/// package ocpp-rpc in strict mode (tests/interop/central-system.js). The charger is a
/// <see cref="ChargerUnit"/> on a <see cref="SimulatedCharger"/> (vehicle physics, 5 s offer
/// pacing, the vehicle's response delay) behind <see cref="ChargerUnitPort"/>; the vehicle plugs in
/// on the board and the user starts and stops in the app (the unit's commands). Every frame in
/// both directions is validated against the official 1.6 schemas there.
/// </summary>
[Collection("interop")]
public sealed class OcppRpcInteropTests(ITestOutputHelper output) : InteropTest(output, "interop-key-0123456789", heartbeatSeconds: 2)
{
    [Fact]
    public async Task A_real_charger_session_with_every_profile_runs_against_ocpp_rpc_in_strict_mode_and_the_offline_queue_arrives_once_in_order()
    {
        var id = new ChargerId("SE-INTEROP-1");
        var board = new SimulatedCharger(ChargerClock.Of(Sys));
        var unit = Sys.ActorOf(ChargerUnit.Props(id, board, ChargerSettings.Factory with { AutoStart = false }), "unit");
        // The app's start uses the user's tag; TAG-OFF is known to the central system (and later in the local list).
        var port = new ChargerUnitPort(unit, new ChargerUnitPortOptions(LocalIdTag: "TAG-OFF"));
        var config = ChargePointConfiguration.Default(meterSampleSeconds: 2);
        config = config.Change("TransactionMessageRetryInterval", "1").Configuration;
        var cp = Sys.ActorOf(ChargePointActor.Props(new ChargePointSettings(id, SerialNumber: "SE-0001", FirmwareVersion: "1.0.0",
            Supply: new ElectricalSupply(240m, 1, (decimal)ChargerUnit.RatedAmps),
            CallTimeout: TimeSpan.FromSeconds(10), BootRetry: TimeSpan.FromSeconds(2), Configuration: config), port, Link(id.Value)), "cp");

        // Boot, status, heartbeat.
        var r = await WaitFor("boot and a heartbeat", x => x.Of("BootNotification").Any() && x.Of("Heartbeat").Any());
        Assert.Equal("SmartElek", r.Of("BootNotification").First().Params["chargePointVendor"]!.GetValue<string>());
        Assert.Contains(r.Of("StatusNotification"), s => Status(s.Params) == "Available");
        Assert.All(r.PasswordMatched, Assert.True);

        // A vehicle plugs in: Preparing. The user starts in the app: Authorize, then StartTransaction.
        board.PlugIn(new VehicleSpec(BatteryKwh: 80, StartSocPercent: 30, OnboardChargerAmps: 32, ResponseDelay: TimeSpan.FromSeconds(2)));
        await WaitFor("preparing", x => x.Of("StatusNotification").Any(s => Status(s.Params) == "Preparing"));
        unit.Tell(new ChargerProtocol.StartCharging("app"));
        r = await WaitFor("authorize and start", x => x.Of("StartTransaction").Any());
        Assert.True(r.Of("Authorize").Single().Seq < r.Of("StartTransaction").Single().Seq);
        Assert.Equal("TAG-OFF", r.Of("StartTransaction").Single().Params["idTag"]!.GetValue<string>());
        var tx1 = (await StateUntil(cp, s => s.TransactionId > 0, "the real transaction id")).TransactionId!.Value;
        await WaitFor("charging", x => x.Of("StatusNotification").Any(s => Status(s.Params) == "Charging"));
        r = await WaitFor("meter values at the charger's 30 A", x => x.Of("MeterValues").Any(m => m.TransactionId == tx1 && Measured(m, "Current.Import") > 25));
        var sampled = r.Of("MeterValues").First(m => m.TransactionId == tx1).Params["meterValue"]![0]!["sampledValue"]!.AsArray()
            .Select(v => v!["measurand"]!.GetValue<string>()).ToList();
        Assert.Equal(["Energy.Active.Import.Register", "Power.Active.Import", "Current.Import", "Current.Offered", "Voltage", "Frequency", "Power.Factor", "SoC"], sampled);

        // A TxProfile lowers the limit to 10 A: the unit caps its offer and the vehicle's metered current follows.
        var set = await CentralSystem.CallAsync("SetChargingProfile", new
        {
            connectorId = 1,
            csChargingProfiles = new
            {
                chargingProfileId = 7, transactionId = tx1, stackLevel = 1, chargingProfilePurpose = "TxProfile", chargingProfileKind = "Relative",
                chargingSchedule = new { chargingRateUnit = "A", chargingSchedulePeriod = new[] { new { startPeriod = 0, limit = 10 } } },
            },
        });
        Assert.Equal("Accepted", Status(set));
        var profileAt = (await CentralSystem.RecordAsync()).Received.Count;
        r = await WaitFor("a meter value with the vehicle at 10 A", x => x.Received.Skip(profileAt)
            .Any(m => m.Method == "MeterValues" && m.TransactionId == tx1 && Measured(m, "Current.Import") is > 8 and <= 10.6m), 20);
        var followed = r.Received.Skip(profileAt).First(m => m.Method == "MeterValues" && Measured(m, "Current.Import") <= 10.6m);
        Assert.InRange(Measured(followed, "Current.Offered")!.Value, 9.9m, 10m);
        Assert.Equal(10, port.LastStatus!.CurrentLimitAmps);
        var composite = await CentralSystem.CallAsync("GetCompositeSchedule", new { connectorId = 1, duration = 600, chargingRateUnit = "A" });
        Assert.Equal("Accepted", Status(composite));
        Assert.Equal(10m, composite["chargingSchedule"]!["chargingSchedulePeriod"]![0]!["limit"]!.GetValue<decimal>());

        // Remote stop, then remote start on the still plugged vehicle.
        Assert.Equal("Accepted", Status(await CentralSystem.CallAsync("RemoteStopTransaction", new { transactionId = tx1 })));
        r = await WaitFor("the remote stop", x => x.Of("StopTransaction").Any());
        Assert.Equal("Remote", r.Of("StopTransaction").Single().Params["reason"]!.GetValue<string>());
        Assert.Equal(tx1, r.Of("StopTransaction").Single().TransactionId);
        await Until(() => port.LastStatus is { CurrentLimitAmps: null, DrawnAmps: 0 }, "the cap lifted with the TxProfile and the vehicle stopped");
        Assert.Equal("Accepted", Status(await CentralSystem.CallAsync("RemoteStartTransaction", new { connectorId = 1, idTag = "TAG-OK" })));
        await WaitFor("the remote start", x => x.Of("StartTransaction").Count() == 2);
        var tx2 = (await StateUntil(cp, s => s.TransactionId > tx1, "the second transaction id")).TransactionId!.Value;
        await Until(() => port.Read().Meter.CurrentA > 25, "charging again at 30 A");

        // Trigger a meter value; a local list; a soft reset stops the transaction and boots again.
        Assert.Equal("Accepted", Status(await CentralSystem.CallAsync("TriggerMessage", new { requestedMessage = "MeterValues", connectorId = 1 })));
        await WaitFor("the triggered meter values", x => x.Of("MeterValues").Any(IsTriggered));
        Assert.Equal("Accepted", Status(await CentralSystem.CallAsync("SendLocalList", new
        {
            listVersion = 1, updateType = "Full",
            localAuthorizationList = new[] { new { idTag = "TAG-OFF", idTagInfo = new { status = "Accepted" } } },
        })));
        Assert.Equal(1, (await CentralSystem.CallAsync("GetLocalListVersion", new { }))["listVersion"]!.GetValue<int>());
        Assert.Equal("Accepted", Status(await CentralSystem.CallAsync("Reset", new { type = "Soft" })));
        r = await WaitFor("the reset's stop and a new boot", x => x.Of("BootNotification").Count() == 2 && x.Of("StopTransaction").Count() == 2);
        Assert.Equal("SoftReset", r.Of("StopTransaction").Last().Params["reason"]!.GetValue<string>());
        Assert.Equal(tx2, r.Of("StopTransaction").Last().TransactionId);
        await StateUntil(cp, s => s.Registration == Registration.Accepted, "accepted after the reset");
        await Until(() => port.LastStatus is { DrawnAmps: 0, RelaysClosed: false }, "the charger stopped by the reset");

        // Unplug; a reservation; the reserved tag starts from the local list with the reservation id.
        board.Unplug();
        await WaitFor("available after unplug", x => x.Of("StatusNotification").Any(s => s.Seq > x.Of("BootNotification").Last().Seq && Status(s.Params) == "Available"));
        Assert.Equal("Accepted", Status(await CentralSystem.CallAsync("ReserveNow", new
        {
            connectorId = 1, expiryDate = DateTimeOffset.UtcNow.AddHours(1).ToString("O"), idTag = "TAG-OFF", reservationId = 5,
        })));
        await WaitFor("reserved", x => x.Of("StatusNotification").Any(s => Status(s.Params) == "Reserved"));
        board.PlugIn(new VehicleSpec(BatteryKwh: 80, StartSocPercent: 30));
        await Until(() => port.Read().Vehicle != VehicleConnection.None, "the vehicle seen");
        var authorizesBefore = (await CentralSystem.RecordAsync()).Of("Authorize").Count();
        unit.Tell(new ChargerProtocol.StartCharging("app"));
        r = await WaitFor("the reserved start", x => x.Of("StartTransaction").Count() == 3);
        Assert.Equal(5, r.Of("StartTransaction").Last().Params["reservationId"]!.GetValue<int>());
        Assert.Equal(authorizesBefore, r.Of("Authorize").Count()); // the local list pre-authorised it
        var tx3 = (await StateUntil(cp, s => s.TransactionId > tx2, "the third transaction id")).TransactionId!.Value;

        await Until(() => port.Read().Meter.CurrentA > 25, "the third transaction charging (offer increases are paced 5 s)");

        // The central system goes away during the session.
        var metersBefore = r.Of("MeterValues").Count(m => m.TransactionId == tx3);
        await WaitFor("a meter value of the third transaction", x => x.Of("MeterValues").Count(m => m.TransactionId == tx3) > metersBefore);
        await CentralSystem.GoAwayAsync();
        await StateUntil(cp, s => !s.Connected, "the disconnect");
        var receivedBeforeOutage = (await CentralSystem.RecordAsync()).Received.Count;
        await StateUntil(cp, s => s.QueuedTransactionMessages >= 1, "a meter value of tx3 queued offline");
        unit.Tell(new ChargerProtocol.StopCharging()); // the user stops in the app
        await StateUntil(cp, s => s.TransactionId is null, "the local stop");
        unit.Tell(new ChargerProtocol.StartCharging("app")); // offline start: local list, placeholder id
        var offline = await StateUntil(cp, s => s.TransactionId < 0, "the offline transaction");
        await StateUntil(cp, s => s.QueuedTransactionMessages > offline.QueuedTransactionMessages, "a meter value with the placeholder queued");
        var queued = (await cp.Ask<ChargePointState>(GetState.Instance, TimeSpan.FromSeconds(5))).QueuedTransactionMessages;
        Assert.True(queued >= 4, $"expected at least 4 queued transaction messages, found {queued}");

        await CentralSystem.ComeBackAsync();
        await StateUntil(cp, s => s.Connected && s.QueuedTransactionMessages == 0 && s.TransactionId > 0, "the queue to drain", 30);
        var tx4 = (await cp.Ask<ChargePointState>(GetState.Instance, TimeSpan.FromSeconds(5))).TransactionId!.Value;
        r = await CentralSystem.RecordAsync();

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
        // The energy register is the simulator's: tx3's stop reads at least its start plus what was metered.
        var start3 = r.Of("StartTransaction").Single(s => s.Seq < afterOutage[stop3].Seq && s.Params["reservationId"] is not null);
        Assert.True(afterOutage[stop3].Params["meterStop"]!.GetValue<int>() > start3.Params["meterStart"]!.GetValue<int>(),
            $"stop {afterOutage[stop3].Params.ToJsonString()} start {start3.Params.ToJsonString()}");

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
        await Assert.ThrowsAsync<CentralSystemException>(() => CentralSystem.CallAsync("Reset", new { type = "Warm" }));
        Assert.Single((await CentralSystem.RecordAsync()).Failures);
    }
}
