using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>Where the charge point stands with its central system (BootNotification).</summary>
public enum Registration { NotBooted, Pending, Accepted, Rejected }

/// <summary>Settings of one charge point (one charger).</summary>
/// <param name="Supply">site voltage and phases for W to A, and the charger's maximum current</param>
/// <param name="CallTimeout">how long one CALL of ours may wait for its answer</param>
/// <param name="BootRetry">wait before the next BootNotification when no interval was given or a Boot failed</param>
/// <param name="Clock">the time source of timestamps (tests may give a virtual clock)</param>
/// <param name="StoreRetry">while the store fails, how often the held changes are tried again (5 s)</param>
/// <param name="UnlockWait">how long an UnlockConnector answer waits for its transaction's stop to go out and the relays to open (10 s)</param>
/// <param name="AuthorizeWaitAtStart">how long an Authorize asked while the charge point starts up waits for its first registration (45 s; zero: it does not wait)</param>
public sealed record ChargePointSettings(
    ChargerId Id,
    string Vendor = "SmartElek",
    string Model = "4500",
    string? SerialNumber = null,
    string? FirmwareVersion = null,
    ElectricalSupply? Supply = null,
    TimeSpan? CallTimeout = null,
    TimeSpan? BootRetry = null,
    ChargePointConfiguration? Configuration = null,
    Func<DateTimeOffset>? Clock = null,
    TimeSpan? StoreRetry = null,
    TimeSpan? UnlockWait = null,
    TimeSpan? AuthorizeWaitAtStart = null)
{
    public ElectricalSupply SupplyOrDefault => Supply ?? new ElectricalSupply(240m, 1, 32m);
}

/// <summary>The messages of <see cref="ChargePointActor"/>.</summary>
public static class ChargePointProtocol
{
    /// <summary>From the connector port's adapter: the vehicle, fault or availability changed; read the port again.</summary>
    public sealed record ConnectorChanged
    {
        public static readonly ConnectorChanged Instance = new();
    }

    /// <summary>From the charger: the user asks to charge with this idTag (app, auto-start with the configured tag).</summary>
    public sealed record LocalStartRequested(string IdTag);

    /// <summary>
    /// From the charger: the session ended there, not at the charge point's request: the user
    /// (<see cref="StopTransactionReason.Local"/>) or the controller shutting down (<see cref="StopTransactionReason.Reboot"/>).
    /// </summary>
    public sealed record LocalStopRequested(StopTransactionReason Reason = StopTransactionReason.Local);

    /// <summary>
    /// From an <see cref="IFirmwarePort"/>: the charger's firmware update reached <paramref name="Status"/>;
    /// <paramref name="Version"/> is the version it runs (after Installed: the new one, which the next
    /// BootNotification announces).
    /// </summary>
    public sealed record FirmwareStatusChanged(FirmwareStatus Status, string? Version);

    /// <summary>Asks for a <see cref="ChargePointState"/> (dashboard, tests).</summary>
    public sealed record GetState
    {
        public static readonly GetState Instance = new();
    }

    /// <summary>
    /// The controller stops: answered with <see cref="Drained"/> once nothing is owed the central
    /// system on the open connection (no running transaction, no transaction message queued or
    /// unanswered), at once when offline, and at the latest after <paramref name="Within"/>. What is
    /// still queued then stays in the durable queue for the next start.
    /// </summary>
    public sealed record Drain(TimeSpan Within);

    /// <summary>The answer to <see cref="Drain"/>: how many transaction messages stay queued.</summary>
    public sealed record Drained(int QueuedTransactionMessages);

    /// <summary>A summary of the charge point for observers.</summary>
    public sealed record ChargePointState(
        Registration Registration, bool Connected, int? TransactionId, int QueuedTransactionMessages,
        ChargePointStatus Status, decimal CurrentLimit, int LocalListVersion, int ProfilesInstalled, int? ReservationId);

    // ---- timers (internal) ----
    internal sealed record HeartbeatTick;
    internal sealed record DrainOver
    {
        public static readonly DrainOver Instance = new();
    }
    internal sealed record StartupWaitOver
    {
        public static readonly StartupWaitOver Instance = new();
    }
    internal sealed record MeterTick;
    internal sealed record AlignedTick(DateTimeOffset Boundary);
    internal sealed record LimitTick;
    internal sealed record BootRetryDue;
    internal sealed record TransactionRetryDue;
    internal sealed record StoreRetryDue;
    internal sealed record StoreWritten
    {
        public static readonly StoreWritten Instance = new();
    }
    internal sealed record PowerLossStopDue;
    internal sealed record RestartDue;
    internal sealed record UnlockDue(string MessageId);
    internal sealed record CallTimedOut(string MessageId);
    internal sealed record ReservationExpired(int ReservationId);
    internal sealed record AuthorizationExpired(string IdTag);
    internal sealed record DiagnosticsStep(DiagnosticsStatus Status);
}
