using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// A charger that updates its own firmware (the SmartElek unit: <see cref="ChargerUnitPort"/>). The
/// charge point hands it UpdateFirmware and reports the steps it is told with
/// <see cref="ChargePointProtocol.FirmwareStatusChanged"/>; its BootNotification carries
/// <see cref="FirmwareVersion"/>. A port without it cannot update: UpdateFirmware then ends in DownloadFailed.
/// </summary>
public interface IFirmwarePort
{
    /// <summary>The version the charger runs; null before it has said.</summary>
    string? FirmwareVersion { get; }

    /// <summary>UpdateFirmware: download from <paramref name="location"/> from <paramref name="retrieveDate"/> on, install, reboot. Returns at once.</summary>
    /// <param name="retries">OCPP retries: downloads tried before giving up; null: the charger decides.</param>
    /// <param name="retryInterval">OCPP retryInterval; null: the charger decides.</param>
    void UpdateFirmware(Uri location, DateTimeOffset retrieveDate, int? retries, TimeSpan? retryInterval);
}
