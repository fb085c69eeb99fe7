using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;

namespace SmartElek.Gateway.ChargePoint;

// The keys the charge point acts on, as typed properties: a key's name is written once, here.
public sealed partial record ChargePointConfiguration
{
    public bool AllowOfflineTxForUnknownId => Bool(nameof(AllowOfflineTxForUnknownId));
    public bool AuthorizationCacheEnabled => Bool(nameof(AuthorizationCacheEnabled));
    public int AuthorizationCacheMaxEntries => Int(nameof(AuthorizationCacheMaxEntries));
    public bool AuthorizeRemoteTxRequests => Bool(nameof(AuthorizeRemoteTxRequests));
    public bool LocalAuthorizeOffline => Bool(nameof(LocalAuthorizeOffline));
    public bool LocalPreAuthorize => Bool(nameof(LocalPreAuthorize));
    public bool LocalAuthListEnabled => Bool(nameof(LocalAuthListEnabled));
    public int SendLocalListMaxLength => Int(nameof(SendLocalListMaxLength));
    public bool StopTransactionOnEVSideDisconnect => Bool(nameof(StopTransactionOnEVSideDisconnect));
    public bool StopTransactionOnInvalidId => Bool(nameof(StopTransactionOnInvalidId));

    /// <summary>How long an authorisation waits for the vehicle (ConnectionTimeOut).</summary>
    public TimeSpan ConnectionTimeOut => Seconds(nameof(ConnectionTimeOut));

    /// <summary>Zero: no heartbeat.</summary>
    public TimeSpan HeartbeatInterval => Seconds(nameof(HeartbeatInterval));

    /// <summary>Zero: no periodic transaction MeterValues.</summary>
    public TimeSpan MeterValueSampleInterval => Seconds(nameof(MeterValueSampleInterval));

    /// <summary>Zero: no clock-aligned MeterValues.</summary>
    public TimeSpan ClockAlignedDataInterval => Seconds(nameof(ClockAlignedDataInterval));

    public IReadOnlyList<Measurand> MeterValuesSampledData => Measurands(nameof(MeterValuesSampledData));
    public IReadOnlyList<Measurand> MeterValuesAlignedData => Measurands(nameof(MeterValuesAlignedData));
    public IReadOnlyList<Measurand> StopTxnSampledData => Measurands(nameof(StopTxnSampledData));
    public IReadOnlyList<Measurand> StopTxnAlignedData => Measurands(nameof(StopTxnAlignedData));
    public int StopTxnMaxMeterValues => Int(nameof(StopTxnMaxMeterValues));

    public int TransactionMessageAttempts => Int(nameof(TransactionMessageAttempts));
    public TimeSpan TransactionMessageRetryInterval => Seconds(nameof(TransactionMessageRetryInterval));

    public string ChargingScheduleAllowedChargingRateUnit => Text(nameof(ChargingScheduleAllowedChargingRateUnit));

    /// <summary>What SetChargingProfile may install (NumberOfConnectors, ChargeProfileMaxStackLevel, ChargingScheduleMaxPeriods, MaxChargingProfilesInstalled).</summary>
    public SmartChargingLimits SmartChargingLimits => new(
        Int("NumberOfConnectors"), Int("ChargeProfileMaxStackLevel"), Int("ChargingScheduleMaxPeriods"), Int("MaxChargingProfilesInstalled"));

    /// <summary>Whether GetCompositeSchedule may answer in <paramref name="unit"/>.</summary>
    public bool AllowsRateUnit(ChargingRateUnit unit) =>
        ChargingScheduleAllowedChargingRateUnit.Contains(unit == ChargingRateUnit.A ? "Current" : "Power", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="key"/> (as the central system spelt it) names <paramref name="name"/>.</summary>
    public static bool Is(string key, string name) => key.Equals(name, StringComparison.OrdinalIgnoreCase);

    private TimeSpan Seconds(string key) => TimeSpan.FromSeconds(Int(key));
}
