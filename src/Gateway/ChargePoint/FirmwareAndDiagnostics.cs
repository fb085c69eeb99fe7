using Akka.Actor;
using SmartElek.Gateway.Ocpp16;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>The messages of <see cref="FirmwareAndDiagnostics"/> (from its charge point).</summary>
public static class FirmwareAndDiagnosticsProtocol
{
    /// <summary>GetDiagnostics was answered: the (simulated) upload begins.</summary>
    public sealed record UploadDiagnostics
    {
        public static readonly UploadDiagnostics Instance = new();
    }

    /// <summary>UpdateFirmware was answered: the charger's own firmware path takes it.</summary>
    public sealed record UpdateFirmware(UpdateFirmwareRequest Request);

    internal sealed record UploadDone
    {
        public static readonly UploadDone Instance = new();
    }
}

/// <summary>
/// A charge point's firmware and diagnostics, a child of its <see cref="ChargePointActor"/>. The
/// diagnostics upload is simulated: Uploading at once, Uploaded after <c>uploadTime</c>. A firmware
/// update goes to the charger's one firmware path (<see cref="IFirmwarePort"/>, the same as its SET
/// button's 6 taps; its steps come back to the charge point from the port); a charger without one
/// reports DownloadFailed. Each step is told to the parent, which reports it to the central system.
/// </summary>
public sealed class FirmwareAndDiagnostics : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan DefaultUploadTime = TimeSpan.FromSeconds(1);

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IFirmwarePort? firmware, TimeSpan? uploadTime = null) =>
        Akka.Actor.Props.Create(() => new FirmwareAndDiagnostics(firmware, uploadTime ?? DefaultUploadTime));

    public FirmwareAndDiagnostics(IFirmwarePort? firmware, TimeSpan uploadTime)
    {
        Receive<FirmwareAndDiagnosticsProtocol.UploadDiagnostics>(_ =>
        {
            Context.Parent.Tell(new DiagnosticsStep(DiagnosticsStatus.Uploading));
            Timers.StartSingleTimer("upload", FirmwareAndDiagnosticsProtocol.UploadDone.Instance, uploadTime);
        });
        Receive<FirmwareAndDiagnosticsProtocol.UploadDone>(_ => Context.Parent.Tell(new DiagnosticsStep(DiagnosticsStatus.Uploaded)));
        Receive<FirmwareAndDiagnosticsProtocol.UpdateFirmware>(u =>
        {
            var r = u.Request;
            if (firmware is null) Context.Parent.Tell(new FirmwareStatusChanged(FirmwareStatus.DownloadFailed, null));
            else firmware.UpdateFirmware(new Uri(r.Location), r.RetrieveDate, r.Retries, r.RetryInterval is { } every ? TimeSpan.FromSeconds(every) : null);
        });
    }
}
