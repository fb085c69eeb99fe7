using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>A connector status as StatusNotification carries it.</summary>
public sealed record ConnectorStatus(ChargePointStatus Status, ChargePointErrorCode ErrorCode, string? Info = null);

/// <summary>The mapping from the charger's state to an OCPP 1.6 status (docs/ocpp.md, "What the charge point reports"). Pure.</summary>
public static class StatusMapping
{
    /// <summary>Below this metered current a vehicle that was offered current is taken as not drawing.</summary>
    public const decimal DrawingThresholdA = 0.5m;

    public static ConnectorStatus Of(ConnectorSnapshot s, bool inTransaction, bool reserved, bool finishing, bool unavailableRequested)
    {
        if (s.Fault != ConnectorFault.None)
            return new(ChargePointStatus.Faulted, ErrorCode(s.Fault), s.FaultInfo is { Length: > 50 } i ? i[..50] : s.FaultInfo);
        if (!inTransaction && (!s.Operative || unavailableRequested))
            return new(ChargePointStatus.Unavailable, ChargePointErrorCode.NoError);
        if (inTransaction)
        {
            if (s.Vehicle == VehicleConnection.None) return new(ChargePointStatus.Finishing, ChargePointErrorCode.NoError);
            if (s.Meter.OfferedA <= 0) return new(ChargePointStatus.SuspendedEVSE, ChargePointErrorCode.NoError);
            return s.Vehicle == VehicleConnection.RequestingEnergy && s.Meter.CurrentA >= DrawingThresholdA
                ? new(ChargePointStatus.Charging, ChargePointErrorCode.NoError)
                : new(ChargePointStatus.SuspendedEV, ChargePointErrorCode.NoError);
        }
        if (s.Vehicle == VehicleConnection.None)
            return new(reserved ? ChargePointStatus.Reserved : ChargePointStatus.Available, ChargePointErrorCode.NoError);
        return new(finishing ? ChargePointStatus.Finishing : ChargePointStatus.Preparing, ChargePointErrorCode.NoError);
    }

    public static ChargePointErrorCode ErrorCode(ConnectorFault fault) => fault switch
    {
        ConnectorFault.None => ChargePointErrorCode.NoError,
        ConnectorFault.GroundFailure => ChargePointErrorCode.GroundFailure,
        ConnectorFault.OverCurrent => ChargePointErrorCode.OverCurrentFailure,
        ConnectorFault.HighTemperature => ChargePointErrorCode.HighTemperature,
        ConnectorFault.PowerSwitchFailure => ChargePointErrorCode.PowerSwitchFailure,
        ConnectorFault.EVCommunicationError => ChargePointErrorCode.EVCommunicationError,
        ConnectorFault.OverVoltage => ChargePointErrorCode.OverVoltage,
        ConnectorFault.UnderVoltage => ChargePointErrorCode.UnderVoltage,
        ConnectorFault.PowerMeterFailure => ChargePointErrorCode.PowerMeterFailure,
        ConnectorFault.InternalError => ChargePointErrorCode.InternalError,
        _ => ChargePointErrorCode.OtherError,
    };
}
