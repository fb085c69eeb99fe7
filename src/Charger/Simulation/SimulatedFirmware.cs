using System.Text.RegularExpressions;
using SmartElek.Charger.Hardware;

namespace SmartElek.Charger.Simulation;

/// <summary>
/// The board's firmware flash and OTA client, and the servers it fetches from, in software. A
/// download takes <see cref="DownloadTime"/> on the board's clock. The vendor's OTA server (asked
/// with no location: 6 SET taps) serves <see cref="Latest"/>; any other location serves the image
/// its file name names, e.g. <c>https://firmware.example/4500-1.2.0.bin</c> is version 1.2.0, and
/// a name without a version is a missing file. Failures are injected with <see cref="FailDownloads"/>
/// and <see cref="CorruptImages"/>. Thread-safe.
/// </summary>
public sealed partial class SimulatedFirmware : IFirmwareFlash
{
    public const string FactoryVersion = "1.0.0";
    public const string LatestRelease = "1.1.0";
    public static readonly TimeSpan DefaultDownloadTime = TimeSpan.FromSeconds(3);

    private readonly object _gate = new();
    private readonly Func<TimeSpan> _clock;
    private string _running;
    private string? _staged;
    private (TimeSpan At, string? Version, string? Failure)? _download;
    private string? _failDownloads;
    private bool _corrupt;

    public SimulatedFirmware(Func<TimeSpan> clock, string running = FactoryVersion, string latest = LatestRelease)
    {
        _clock = clock;
        _running = CheckedVersion(running);
        Latest = CheckedVersion(latest);
    }

    /// <summary>What the vendor's OTA server offers.</summary>
    public string Latest { get { lock (_gate) return _latest; } set { lock (_gate) _latest = CheckedVersion(value); } }

    private string _latest = LatestRelease;

    public TimeSpan DownloadTime { get { lock (_gate) return _downloadTime; } set { lock (_gate) _downloadTime = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A download cannot take a negative time."); } }

    private TimeSpan _downloadTime = DefaultDownloadTime;

    /// <summary>The version marked to boot at the next power-up, if any.</summary>
    public string? Staged { get { lock (_gate) return _staged; } }

    /// <summary>Every download started from now on fails with <paramref name="why"/>; null: downloads work again.</summary>
    public void FailDownloads(string? why) { lock (_gate) _failDownloads = why; }

    /// <summary>True: every downloaded image fails its checksum at install.</summary>
    public void CorruptImages(bool corrupt) { lock (_gate) _corrupt = corrupt; }

    public string RunningVersion { get { lock (_gate) return _running; } }

    public void StartDownload(Uri? location)
    {
        lock (_gate)
        {
            var (version, failure) = location is null ? (_latest, null) : ImageAt(location);
            _download = (_clock(), version, _failDownloads ?? failure);
        }
    }

    public FirmwareDownload Download
    {
        get
        {
            lock (_gate)
            {
                if (_download is not { } d) return FirmwareDownload.None;
                if (_clock() - d.At < _downloadTime) return new FirmwareDownload(DownloadProgress.InProgress);
                return d.Failure is { } why ? new FirmwareDownload(DownloadProgress.Failed, Failure: why) : new FirmwareDownload(DownloadProgress.Done, d.Version);
            }
        }
    }

    public string? Install()
    {
        var download = Download;
        lock (_gate)
        {
            if (download.Progress != DownloadProgress.Done)
                return "no downloaded image to install";
            if (_corrupt)
                return $"image {download.Version} failed its checksum";
            _staged = download.Version;
            _download = null;
            return null;
        }
    }

    public FirmwareBoot Boot()
    {
        lock (_gate)
        {
            if (_staged is not { } next)
                return new FirmwareBoot(_running);
            var replaced = _running;
            _running = next;
            _staged = null;
            return new FirmwareBoot(next, replaced);
        }
    }

    /// <summary>The image a simulated server has at <paramref name="location"/>: the version its file name carries.</summary>
    public static (string? Version, string? Failure) ImageAt(Uri location)
    {
        if (!location.IsAbsoluteUri || location.Scheme is not ("http" or "https" or "ftp" or "ftps"))
            return (null, $"cannot fetch {location}: only http, https, ftp and ftps locations are served");
        var name = Path.GetFileNameWithoutExtension(location.AbsolutePath);
        var match = VersionInName().Matches(name).LastOrDefault();
        return match is null
            ? (null, $"no firmware image at {location} (the simulated server has files named with their version, e.g. 4500-1.2.0.bin)")
            : (match.Value, null);
    }

    private static string CheckedVersion(string version) =>
        !string.IsNullOrWhiteSpace(version) && version.Length <= 50
            ? version
            : throw new ArgumentException($"A firmware version is 1-50 characters (BootNotification's firmwareVersion), not '{version}'.", nameof(version));

    [GeneratedRegex(@"\d+(\.\d+){1,3}")]
    private static partial Regex VersionInName();
}

/// <summary>The unit's radio in software: joined to the site on the site link when the node starts. Thread-safe.</summary>
public sealed class SimulatedRadio : INetworkRadio
{
    private volatile int _mode = (int)NetworkMode.SiteLink;
    private volatile bool _joined = true;

    public NetworkMode Mode => (NetworkMode)_mode;

    public bool Joined => _joined;

    public void Select(NetworkMode mode) => _mode = Enum.IsDefined(mode) ? (int)mode : throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown network mode.");

    public void Leave() => _joined = false;

    public void Join() => _joined = true;
}
