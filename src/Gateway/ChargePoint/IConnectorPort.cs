using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>The vehicle as the pilot sees it: J1772 state A, B, or C.</summary>
public enum VehicleConnection { None, Connected, RequestingEnergy }

/// <summary>Why a charger cannot charge; each maps to one OCPP errorCode.</summary>
public enum ConnectorFault
{
    None, GroundFailure, OverCurrent, HighTemperature, PowerSwitchFailure, EVCommunicationError,
    OverVoltage, UnderVoltage, PowerMeterFailure, InternalError, Other,
}

/// <summary>One reading of the charger's metrology.</summary>
/// <param name="EnergyWh">the monotonic energy register</param>
/// <param name="CurrentA">metered current per line</param>
/// <param name="OfferedA">the current the pilot's PWM offers the vehicle (at most the allocator's grant)</param>
/// <param name="SocPercent">estimated state of charge, if the user gave enough to estimate it</param>
/// <param name="RegisterKnown">
/// False while the charger does not know its lifetime register yet (after a power-up, until it has
/// recovered it from its journal): <paramref name="EnergyWh"/> is then no meterStop for a cut transaction.
/// </param>
public sealed record MeterSnapshot(
    DateTimeOffset Timestamp, long EnergyWh, decimal PowerW, decimal CurrentA, decimal OfferedA,
    decimal VoltageV, decimal FrequencyHz, decimal PowerFactor, decimal? SocPercent = null, bool RegisterKnown = true);

/// <summary>What the charge point reads from a charger at one instant.</summary>
/// <param name="Operative">false while the charger itself is unavailable (e.g. disabled locally)</param>
/// <param name="FaultInfo">free text for StatusNotification.info (at most 50 characters are sent)</param>
/// <param name="RelaysClosed">power is on the cable (a relay is closed); an UnlockConnector answer waits until it is not</param>
public sealed record ConnectorSnapshot(
    VehicleConnection Vehicle, ConnectorFault Fault, bool Operative, MeterSnapshot Meter, string? FaultInfo = null, bool RelaysClosed = false);

/// <summary>
/// What an OCPP charge point needs from one charger (connector 1). The integrator adapts the
/// real charger's actors to it; every method must return at once (the charge point actor calls
/// them from its message loop), so an adapter answers from its last known state and Tells the
/// charger what to do. When anything that <see cref="Read"/> returns changes (vehicle, fault,
/// availability; the meter may change freely), the adapter tells the charge point actor
/// <see cref="ChargePointProtocol.ConnectorChanged"/>; a local start or stop by the user is told
/// as <see cref="ChargePointProtocol.LocalStartRequested"/> / <see cref="ChargePointProtocol.LocalStopRequested"/>.
/// </summary>
public interface IConnectorPort
{
    /// <summary>The charger's state now.</summary>
    ConnectorSnapshot Read();

    /// <summary>
    /// A transaction has begun for <paramref name="idTag"/>: the charger may close its relays and
    /// offer current when the vehicle asks. False when it cannot (faulted, unavailable, no vehicle).
    /// </summary>
    bool StartCharging(string idTag);

    /// <summary>The transaction ends: a controlled stop (offer 0 A, then open the relays).</summary>
    void StopCharging(StopTransactionReason reason);

    /// <summary>
    /// The composite smart-charging limit in A per phase, one decimal; the charger's maximum
    /// when no profile applies. The allocator treats it as this charger's cap.
    /// </summary>
    void ApplyCurrentLimit(decimal amps);

    /// <summary>
    /// UnlockConnector: release the cable and say what happened. Called once the transaction (if
    /// any) has ended and <see cref="ConnectorSnapshot.RelaysClosed"/> reads false, or when the
    /// charge point stops waiting for that.
    /// </summary>
    UnlockStatus Unlock();

    /// <summary>ChangeAvailability: operative or not. False when the charger refuses.</summary>
    bool SetAvailability(bool operative);

    /// <summary>Reset: the charger restarts (soft) or power-cycles (hard); called after the transaction was stopped.</summary>
    bool Reset(ResetType type);
}
