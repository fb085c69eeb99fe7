using Akka.Actor;
using SmartElek.Actors.Charger;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Simulation;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.SmartCharging;
using Xunit.Abstractions;

namespace SmartElek.Gateway.Tests.Interop;

/// <summary>
/// Firmware Management against ocpp-rpc in strict mode: UpdateFirmware and GetDiagnostics on the
/// real charger run their status notifications through to the end, each one schema-valid. The
/// firmware goes the unit's own way (download, install, reboot into the image): the charge point
/// boots again with the new firmwareVersion before it reports Installed.
/// </summary>
[Collection("interop")]
public sealed class FirmwareAndDiagnosticsInteropTests(ITestOutputHelper output) : InteropTest(output, "interop-key-firmware-42", heartbeatSeconds: 30)
{
    [Fact]
    public async Task UpdateFirmware_and_GetDiagnostics_report_every_step_to_the_central_system_in_order()
    {
        var id = new ChargerId("SE-FIRMWARE-1");
        var board = new SimulatedCharger(ChargerClock.Of(Sys));
        var unit = Sys.ActorOf(ChargerUnit.Props(id, board, ChargerSettings.Factory), "unit");
        // No version in the settings: the charger's own, from its flash, is announced.
        Sys.ActorOf(ChargePointActor.Props(new ChargePointSettings(id, SerialNumber: "SE-0002",
            Supply: new ElectricalSupply(240m, 1, (decimal)ChargerUnit.RatedAmps), CallTimeout: TimeSpan.FromSeconds(10),
            BootRetry: TimeSpan.FromSeconds(2), Configuration: ChargePointConfiguration.Default()), new ChargerUnitPort(unit), Link(id.Value)), "cp");
        await WaitFor("the boot", x => x.Of("StatusNotification").Any());

        // A retrieve date in the past means now.
        await CentralSystem.CallAsync("UpdateFirmware", new { location = "https://firmware.example.test/4500-1.1.0.bin", retrieveDate = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O") });
        var r = await WaitFor("the firmware installed", x => x.Of("FirmwareStatusNotification").Any(s => Status(s.Params) == "Installed"));
        Assert.Equal(["Downloading", "Downloaded", "Installing", "Installed"], r.Of("FirmwareStatusNotification").Select(s => Status(s.Params)).ToList());
        var boots = r.Of("BootNotification").ToList();
        Assert.Equal([SimulatedFirmware.FactoryVersion, "1.1.0"], boots.Select(b => b.Params["firmwareVersion"]?.GetValue<string>()).ToList());
        var installing = r.Of("FirmwareStatusNotification").Single(s => Status(s.Params) == "Installing").Seq;
        var installed = r.Of("FirmwareStatusNotification").Single(s => Status(s.Params) == "Installed").Seq;
        Assert.InRange(boots[1].Seq, installing + 1, installed - 1);
        Assert.Equal("1.1.0", board.FirmwareSim.RunningVersion);

        var diagnostics = await CentralSystem.CallAsync("GetDiagnostics", new { location = "ftp://diagnostics.example.test/upload/" });
        Assert.False(string.IsNullOrEmpty(diagnostics["fileName"]?.GetValue<string>()), diagnostics.ToJsonString());
        r = await WaitFor("the diagnostics uploaded", x => x.Of("DiagnosticsStatusNotification").Any(s => Status(s.Params) == "Uploaded"));
        Assert.Equal(["Uploading", "Uploaded"], r.Of("DiagnosticsStatusNotification").Select(s => Status(s.Params)).ToList());

        Assert.Empty(r.Failures);
        Assert.All(r.PasswordMatched, Assert.True);
    }
}
