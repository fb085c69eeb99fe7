namespace SmartElek.Charger.Firmware;

/// <summary>Where a firmware update stands (the steps OCPP 1.6 reports in FirmwareStatusNotification).</summary>
public enum FirmwareStep { Idle, Downloading, Downloaded, DownloadFailed, Installing, Installed, InstallationFailed }

/// <summary>A request to update the firmware: the SET button's 6 taps or OCPP UpdateFirmware.</summary>
/// <param name="Location">Where the image is; null: the vendor's OTA server's latest image (6 taps).</param>
/// <param name="RetrieveAt">Not before this time (OCPP retrieveDate); a time past means now.</param>
/// <param name="MaxAttempts">Downloads tried before giving up (OCPP retries), at least 1.</param>
/// <param name="RetryInterval">The wait after a failed download (OCPP retryInterval).</param>
/// <param name="By">Who asked, for the log.</param>
public sealed record FirmwareRequest(Uri? Location, DateTimeOffset RetrieveAt, int MaxAttempts, TimeSpan RetryInterval, string By)
{
    /// <summary>What an OTA request from the SET button does: the latest image now, three tries 30 s apart.</summary>
    public static FirmwareRequest Ota(DateTimeOffset now, string by) => new(null, now, 3, TimeSpan.FromSeconds(30), by);

    /// <summary>What is wrong with the request, or null.</summary>
    public string? Problem() =>
        Location is { IsAbsoluteUri: false } ? $"the firmware location '{Location}' is not an absolute URI"
        : MaxAttempts < 1 ? $"a firmware download needs at least 1 attempt, not {MaxAttempts}"
        : RetryInterval < TimeSpan.Zero ? $"the retry interval {RetryInterval} cannot be negative"
        : string.IsNullOrWhiteSpace(By) ? "a firmware request must say who asked"
        : null;
}

/// <summary>What the firmware side of the unit learnt.</summary>
public abstract record FirmwareFact
{
    private FirmwareFact() { }

    public sealed record Requested(FirmwareRequest Request) : FirmwareFact;

    public sealed record DownloadStarted(DateTimeOffset At) : FirmwareFact;

    public sealed record Downloaded(string Version) : FirmwareFact;

    public sealed record DownloadFailed(DateTimeOffset At, string Why) : FirmwareFact;

    /// <summary>The image verified and is marked to boot: the unit reboots into it now.</summary>
    public sealed record InstallStarted : FirmwareFact
    {
        public static readonly InstallStarted Instance = new();
    }

    public sealed record InstallFailed(string Why) : FirmwareFact;
}

/// <summary>What the unit must do for its firmware now.</summary>
public enum FirmwareAction { None, StartDownload, Install }

/// <summary>
/// One firmware update, from the request to the boot into the new image, and the version running.
/// Pure: <see cref="Apply"/> folds in a fact, <see cref="Decide"/> says what to do. A download waits
/// for the request's retrieve time and is retried after a failure until its attempts run out; a
/// downloaded image is installed only while no session is open (a vehicle plugged in), since the
/// install reboots the unit; the install ends with the reboot, after which <see cref="PoweredUp"/>
/// reports it <see cref="FirmwareStep.Installed"/>. One update at a time.
/// </summary>
public sealed record FirmwareUpdate(string RunningVersion, FirmwareStep Step)
{
    /// <summary>The request under way; null when none (the last one ended).</summary>
    public FirmwareRequest? Request { get; init; }

    /// <summary>Downloads started for <see cref="Request"/>.</summary>
    public int Attempts { get; init; }

    /// <summary>When the next download may start (the retrieve time, or after a failed one).</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The version of the downloaded image.</summary>
    public string? ImageVersion { get; init; }

    /// <summary>Why the last step failed, or what the boot replaced.</summary>
    public string? Detail { get; init; }

    public bool UnderWay => Request is not null;

    /// <summary>The state at power-up: <see cref="FirmwareStep.Installed"/> when the boot loader just started a new image.</summary>
    public static FirmwareUpdate PoweredUp(string version, string? replaced)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        return replaced is null
            ? new FirmwareUpdate(version, FirmwareStep.Idle)
            : new FirmwareUpdate(version, FirmwareStep.Installed) { Detail = $"replaced {replaced}" };
    }

    /// <summary>Why a new request cannot be taken now, or null.</summary>
    public string? Refusal(FirmwareRequest request) =>
        UnderWay ? $"a firmware update is already under way ({Step}, asked by {Request!.By})" : request.Problem();

    /// <summary>Folds in a fact; a fact that does not follow from the step (a download done that never started) is refused.</summary>
    public FirmwareUpdate Apply(FirmwareFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        if (fact is FirmwareFact.Requested r)
            return Refusal(r.Request) is { } why
                ? throw new InvalidOperationException($"Firmware request refused: {why}.")
                : new FirmwareUpdate(RunningVersion, FirmwareStep.Idle) { Request = r.Request, NextAttemptAt = r.Request.RetrieveAt };
        var request = Request ?? throw new InvalidOperationException($"{fact.GetType().Name} with no firmware update under way.");
        return fact switch
        {
            FirmwareFact.DownloadStarted => After(fact, Decide(DateTimeOffset.MaxValue, false) == FirmwareAction.StartDownload,
                this with { Step = FirmwareStep.Downloading, Attempts = Attempts + 1, NextAttemptAt = null, Detail = null }),
            FirmwareFact.Downloaded d => After(fact, Step == FirmwareStep.Downloading, this with { Step = FirmwareStep.Downloaded, ImageVersion = d.Version }),
            FirmwareFact.DownloadFailed f => After(fact, Step == FirmwareStep.Downloading, Attempts >= request.MaxAttempts
                ? this with { Step = FirmwareStep.DownloadFailed, Request = null, Detail = f.Why }
                : this with { Step = FirmwareStep.DownloadFailed, NextAttemptAt = f.At + request.RetryInterval, Detail = f.Why }),
            FirmwareFact.InstallStarted => After(fact, Step == FirmwareStep.Downloaded, this with { Step = FirmwareStep.Installing }),
            FirmwareFact.InstallFailed f => After(fact, Step == FirmwareStep.Downloaded, this with { Step = FirmwareStep.InstallationFailed, Request = null, Detail = f.Why }),
            _ => throw new ArgumentException($"Unknown firmware fact {fact.GetType().Name}.", nameof(fact)),
        };
    }

    /// <summary>What to do now: download once the wait is over, install a downloaded image while no session is open.</summary>
    public FirmwareAction Decide(DateTimeOffset now, bool sessionOpen) => Step switch
    {
        _ when Request is null => FirmwareAction.None,
        FirmwareStep.Downloading or FirmwareStep.Installing => FirmwareAction.None,
        FirmwareStep.Downloaded => sessionOpen ? FirmwareAction.None : FirmwareAction.Install,
        _ => now >= NextAttemptAt ? FirmwareAction.StartDownload : FirmwareAction.None,
    };

    /// <summary>When <see cref="Decide"/> may next change by time alone (a download waiting to start), or null.</summary>
    public DateTimeOffset? WaitsUntil => Request is not null && Step is FirmwareStep.Idle or FirmwareStep.DownloadFailed ? NextAttemptAt : null;

    private FirmwareUpdate After(FirmwareFact fact, bool follows, FirmwareUpdate next) =>
        follows ? next : throw new InvalidOperationException($"{fact.GetType().Name} does not follow the firmware step {Step}.");
}
