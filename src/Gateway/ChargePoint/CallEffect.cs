using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// What an answer to the central system's CALL asks the charge point to do, as a value (the actor
/// carries it out): before the answer is sent (durable writes, timers, the port's availability) or
/// after it (what the answer promised, e.g. a triggered message follows its Accepted).
/// </summary>
public abstract record CallEffect
{
    private CallEffect() { }

    /// <summary>The status is reported if it changed (forced and at once for a triggered one).</summary>
    public sealed record ReportStatus(bool Force = false, bool Triggered = false) : CallEffect;

    /// <summary>The idTag is authorised the way a local start is (list, cache, or Authorize).</summary>
    public sealed record RequestAuthorization(string IdTag, ChargingProfile? Profile) : CallEffect;

    /// <summary>The idTag is authorised as it is (a remote start without AuthorizeRemoteTxRequests).</summary>
    public sealed record Authorise(string IdTag, ChargingProfile? Profile) : CallEffect;

    public sealed record StopTransaction(StopTransactionReason Reason) : CallEffect;

    /// <summary>The charger restarts now.</summary>
    public sealed record Restart(ResetType Type) : CallEffect;

    /// <summary>A soft reset with a transaction: its StopTransaction (SoftReset) first, the restart once that went.</summary>
    public sealed record RestartAfterStop(ResetType Type) : CallEffect;

    /// <summary>The composite limit is computed again (profiles changed).</summary>
    public sealed record UpdateLimit : CallEffect
    {
        public static readonly UpdateLimit Instance = new();
    }

    /// <summary>The port is asked to make the connector (in)operative; when it refuses, the answer is <see cref="CallAnswer.IfRefused"/>.</summary>
    public sealed record SetAvailability(bool Operative) : CallEffect;

    /// <summary>A configuration key the central system changed: remembered (never a write-only one) and, if Accepted, acted on.</summary>
    public sealed record ConfigurationChanged(string Key, string Value, bool Remember, bool Accepted) : CallEffect;

    public sealed record RememberLocalList(LocalList List) : CallEffect;

    /// <summary>The durable copy of the authorisation cache is emptied.</summary>
    public sealed record ClearCache : CallEffect
    {
        public static readonly ClearCache Instance = new();
    }

    /// <summary>The reservation expires after <paramref name="Wait"/> (zero: at once).</summary>
    public sealed record ReservationTimer(int ReservationId, TimeSpan Wait) : CallEffect;

    public sealed record CancelReservationTimer : CallEffect
    {
        public static readonly CancelReservationTimer Instance = new();
    }

    /// <summary>A CALL of ours the central system asked for with TriggerMessage.</summary>
    public sealed record SendTriggered(IOcppRequest Request) : CallEffect;

    /// <summary>TriggerMessage BootNotification: the charge point boots again.</summary>
    public sealed record BootAgain : CallEffect
    {
        public static readonly BootAgain Instance = new();
    }

    /// <summary>The simulated diagnostics upload begins.</summary>
    public sealed record UploadDiagnostics : CallEffect
    {
        public static readonly UploadDiagnostics Instance = new();
    }

    /// <summary>The charger's own firmware path takes the update.</summary>
    public sealed record UpdateFirmware(UpdateFirmwareRequest Request) : CallEffect;

    /// <summary>This charger cannot update its firmware: DownloadFailed is reported.</summary>
    public sealed record FirmwareDownloadFailed : CallEffect
    {
        public static readonly FirmwareDownloadFailed Instance = new();
    }

    /// <summary>Something worth a line in the log (info, or a warning).</summary>
    public sealed record Note(string Text, bool Warning = false) : CallEffect;
}

/// <summary>
/// The answer to one CALL of the central system: the response, the state after it, what is done
/// before the response is sent and what after; and, when the port refuses its
/// <see cref="CallEffect.SetAvailability"/>, the answer instead.
/// </summary>
public sealed record CallAnswer(IOcppResponse Response, ConnectorState State, IReadOnlyList<CallEffect> Before, IReadOnlyList<CallEffect> After,
    CallAnswer? IfRefused = null)
{
    public static CallAnswer Of(IOcppResponse response, ConnectorState state) => new(response, state, [], []);
}
