namespace SmartElek.Charger.Hardware;

/// <summary>Where a firmware download stands.</summary>
public enum DownloadProgress { None, InProgress, Done, Failed }

/// <summary>
/// The download into the spare image slot: <paramref name="Version"/> is the image's version once
/// <see cref="DownloadProgress.Done"/>; <paramref name="Failure"/> says why when it failed.
/// </summary>
public sealed record FirmwareDownload(DownloadProgress Progress, string? Version = null, string? Failure = null)
{
    public static readonly FirmwareDownload None = new(DownloadProgress.None);
}

/// <summary>What the boot loader started at power-up: the running version, and the one it replaced when it installed a new image.</summary>
public sealed record FirmwareBoot(string Version, string? Replaced = null)
{
    public bool Installed => Replaced is not null;
}

/// <summary>
/// The board's firmware store and OTA client: a running image, a spare slot that a download fills,
/// and a boot loader that starts the image marked for the next boot. The version lives here, in
/// flash, as on a real board: it survives every restart of the software and needs no journal.
/// </summary>
public interface IFirmwareFlash
{
    /// <summary>The version of the image running since the last <see cref="Boot"/>.</summary>
    string RunningVersion { get; }

    /// <summary>
    /// Starts fetching the image at <paramref name="location"/> into the spare slot; null asks the
    /// vendor's OTA server for its latest image. A download in progress is replaced.
    /// </summary>
    void StartDownload(Uri? location);

    /// <summary>Where the last download stands (polled: the fetch runs on its own).</summary>
    FirmwareDownload Download { get; }

    /// <summary>
    /// Verifies the downloaded image and marks it to boot at the next power-up. Returns why it
    /// cannot (nothing downloaded, a bad image), or null.
    /// </summary>
    string? Install();

    /// <summary>The boot loader, once per power-up: starts the image marked for it, if any, else the running one.</summary>
    FirmwareBoot Boot();
}
