using System.Text.Json.Nodes;
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
/// The order of what the charge point says, against ocpp-rpc in strict mode, with the charger as
/// the Host runs it: a <see cref="ChargerUnit"/> on a <see cref="SimulatedCharger"/> behind
/// <see cref="ChargerUnitPort"/>, its transaction messages in a SQLite <see cref="ChargePointStore"/>
/// (a message is offered only once its row is written, so anything not held back for it overtakes it).
/// Issue 13 point 7: three orderings another central system saw wrong.
/// </summary>
[Collection("interop")]
public sealed class OrderingInteropTests(ITestOutputHelper output) : InteropTest(output, "ordering-key-0123456789", heartbeatSeconds: 30)
{
    private sealed record Charger(IActorRef Unit, SimulatedCharger Board, ChargerUnitPort Port, IActorRef ChargePoint, RecordingLink Link);

    private Charger Start(ChargerId id, ChargePointStore store, ChargerSettings settings, double? initialGrantAmps = null)
    {
        var board = new SimulatedCharger(ChargerClock.Of(Sys));
        var unit = Sys.ActorOf(ChargerUnit.Props(id, board, settings, ChargerUnitOptions.Default with { InitialGrantAmps = initialGrantAmps }), "unit");
        var port = new ChargerUnitPort(unit, new ChargerUnitPortOptions(LocalIdTag: "TAG-OK"));
        var link = new RecordingLink(Link(id.Value));
        var memory = store.For(id);
        var cp = Sys.ActorOf(ChargePointActor.Props(new ChargePointSettings(id, SerialNumber: id.Value, FirmwareVersion: "1.0.0",
            Supply: new ElectricalSupply(240m, 1, (decimal)ChargerUnit.RatedAmps), CallTimeout: TimeSpan.FromSeconds(10),
            BootRetry: TimeSpan.FromSeconds(2), Configuration: ChargePointConfiguration.Default(meterSampleSeconds: 2)), port, link, memory, memory), "cp");
        return new Charger(unit, board, port, cp, link);
    }

    /// <summary>Boots, plugs a vehicle in, starts in the app and waits until it charges under the central system's transaction id.</summary>
    private async Task<int> Charging(Charger c)
    {
        await StateUntil(c.ChargePoint, s => s.Registration == Registration.Accepted, "accepted");
        c.Board.PlugIn(new VehicleSpec(BatteryKwh: 80, StartSocPercent: 30, OnboardChargerAmps: 32));
        await WaitFor("preparing", x => x.Of("StatusNotification").Any(s => Status(s.Params) == "Preparing"));
        c.Unit.Tell(new ChargerProtocol.StartCharging("app"));
        var tx = (await StateUntil(c.ChargePoint, s => s.TransactionId > 0, "the transaction id")).TransactionId!.Value;
        await Until(() => c.Port.LastStatus is { RelaysClosed: true, DrawnAmps: > 5 }, "the vehicle charging");
        return tx;
    }

    [Fact]
    public async Task A_soft_reset_during_a_transaction_stops_it_with_SoftReset_before_the_charge_point_boots_again()
    {
        using var folder = new TempFolder();
        using var store = ChargePointStore.Sqlite(folder.File("ocpp.db"));
        var c = Start(new ChargerId("SE-ORDER-RESET"), store, ChargerSettings.Factory with { AutoStart = false });
        var tx = await Charging(c);

        Assert.Equal("Accepted", Status(await CentralSystem.CallAsync("Reset", new { type = "Soft" })));
        var r = await WaitFor("the reset's stop and a new boot", x => x.Of("BootNotification").Count() == 2 && x.Of("StopTransaction").Any());
        await StateUntil(c.ChargePoint, s => s.Registration == Registration.Accepted, "accepted after the reset");

        // OCPP 1.6 §5.14: a soft reset stops the transaction gracefully (StopTransaction) and then restarts.
        var stop = r.Of("StopTransaction").Single();
        var reboot = r.Of("BootNotification").Last();
        Assert.Equal("SoftReset", stop.Params["reason"]!.GetValue<string>());
        Assert.Equal(tx, stop.TransactionId);
        Assert.True(stop.Seq < reboot.Seq, "StopTransaction must precede the new BootNotification: " + string.Join(", ", r.Received.Select(x => x.Method)));
        await Until(() => c.Port.LastStatus is { RelaysClosed: false, DrawnAmps: 0 }, "the charger stopped by the reset");
        Assert.Empty((await CentralSystem.RecordAsync()).Failures);
    }

    [Fact]
    public async Task UnlockConnector_during_a_transaction_ends_it_with_UnlockCommand_before_answering_and_the_answer_says_the_connector_is_free()
    {
        using var folder = new TempFolder();
        using var store = ChargePointStore.Sqlite(folder.File("ocpp.db"));
        var c = Start(new ChargerId("SE-ORDER-UNLOCK"), store, ChargerSettings.Factory with { AutoStart = false });
        var tx = await Charging(c);

        var answer = await CentralSystem.CallAsync("UnlockConnector", new { connectorId = 1 });
        var relaysClosedAtAnswer = c.Port.LastStatus!.RelaysClosed;
        var r = await WaitFor("the unlock's stop", x => x.Of("StopTransaction").Any());
        var stop = r.Of("StopTransaction").Single();
        Assert.Equal("UnlockCommand", stop.Params["reason"]!.GetValue<string>());
        Assert.Equal(tx, stop.TransactionId);

        // §5.18: the transaction is finished first. On the wire the StopTransaction CALL goes out before the answer.
        var frames = c.Link.Sent.Select(f => JsonNode.Parse(f)!.AsArray()).ToList();
        var stopAt = frames.FindIndex(f => f[0]!.GetValue<int>() == 2 && f[2]!.GetValue<string>() == "StopTransaction");
        var answerAt = frames.FindIndex(f => f[0]!.GetValue<int>() == 3 && f[2]!["status"]?.GetValue<string>() is "Unlocked" or "UnlockFailed" or "NotSupported");
        Assert.True(stopAt >= 0 && answerAt > stopAt,
            $"StopTransaction (frame {stopAt}) must go out before the UnlockConnector answer (frame {answerAt}): " + string.Join(" ", c.Link.Sent));
        // What the hardware did: the #4500 has no lock actuator (the J1772 latch is the driver's), so
        // the cable is free once the transaction has ended and its relays are open.
        Assert.Equal("Unlocked", Status(answer));
        Assert.False(relaysClosedAtAnswer);
        Assert.Empty(r.Failures);
    }

    [Fact]
    public async Task A_vehicle_plugged_in_with_no_amps_granted_is_Preparing_until_its_transaction_starts()
    {
        using var folder = new TempFolder();
        using var store = ChargePointStore.Sqlite(folder.File("ocpp.db"));
        // A site charger before its first grant: 0 A (its fail-safe current); auto-start on plug-in with TAG-OK.
        var c = Start(new ChargerId("SE-ORDER-PREPARING"), store, ChargerSettings.Factory with { AutoStart = true }, initialGrantAmps: 0);
        await StateUntil(c.ChargePoint, s => s.Registration == Registration.Accepted, "accepted");

        c.Board.PlugIn(new VehicleSpec(BatteryKwh: 80, StartSocPercent: 30));
        var r = await WaitFor("the transaction started and the status that says the site offers nothing yet", x =>
            x.Of("StartTransaction").Any() && x.Of("StatusNotification").Any(s => Status(s.Params) == "SuspendedEVSE"));

        var start = r.Of("StartTransaction").Single();
        var statuses = string.Join(", ", r.Received.Select(x => x.Method == "StatusNotification" ? Status(x.Params) : x.Method));
        var before = r.Of("StatusNotification").Where(s => s.Seq < start.Seq).Select(s => Status(s.Params)).ToList();
        Assert.True(before.All(s => s is "Available" or "Preparing"), "before StartTransaction only Available or Preparing: " + statuses);
        Assert.Equal("Preparing", before[^1]);
        // Once it has started, the status says honestly that the site offers nothing yet.
        Assert.Equal("SuspendedEVSE", Status(r.Of("StatusNotification").First(s => s.Seq > start.Seq).Params));
        Assert.Equal(0, c.Port.Read().Meter.OfferedA);
        Assert.Empty(r.Failures);
    }
}
