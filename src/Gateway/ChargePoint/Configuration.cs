using System.Collections.Immutable;
using System.Globalization;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>The kind of value a configuration key holds, checked on ChangeConfiguration.</summary>
public enum ConfigValueKind { Integer, Boolean, Text, CsvMeasurands }

/// <summary>One configuration key of 1.6 section 9 (or one of ours).</summary>
/// <param name="Minimum">for an integer key: the least value ChangeConfiguration accepts</param>
public sealed record ConfigKey(string Name, ConfigValueKind Kind, bool ReadOnly, string Value, bool WriteOnly = false, bool RebootRequired = false,
    int Minimum = 0);

/// <summary>The charge point's configuration (standard keys of the implemented profiles). Immutable.</summary>
public sealed partial record ChargePointConfiguration(ImmutableDictionary<string, ConfigKey> Keys)
{
    public const string DefaultMeasurands =
        "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Current.Offered,Voltage,Frequency,Power.Factor,SoC";

    public static ChargePointConfiguration Default(int heartbeatSeconds = 300, int meterSampleSeconds = 60, int numberOfConnectors = 1)
    {
        ConfigKey[] keys =
        [
            new("AllowOfflineTxForUnknownId", ConfigValueKind.Boolean, false, "false"),
            new("AuthorizationCacheEnabled", ConfigValueKind.Boolean, false, "true"),
            new("AuthorizeRemoteTxRequests", ConfigValueKind.Boolean, false, "false"),
            new("ClockAlignedDataInterval", ConfigValueKind.Integer, false, "0"),
            new("ConnectionTimeOut", ConfigValueKind.Integer, false, "120"),
            new("GetConfigurationMaxKeys", ConfigValueKind.Integer, true, "50"),
            new("HeartbeatInterval", ConfigValueKind.Integer, false, heartbeatSeconds.ToString(CultureInfo.InvariantCulture)),
            new("LocalAuthorizeOffline", ConfigValueKind.Boolean, false, "true"),
            new("LocalPreAuthorize", ConfigValueKind.Boolean, false, "true"),
            new("MeterValuesAlignedData", ConfigValueKind.CsvMeasurands, false, "Energy.Active.Import.Register"),
            new("MeterValuesSampledData", ConfigValueKind.CsvMeasurands, false, DefaultMeasurands),
            new("MeterValueSampleInterval", ConfigValueKind.Integer, false, meterSampleSeconds.ToString(CultureInfo.InvariantCulture)),
            new("NumberOfConnectors", ConfigValueKind.Integer, true, numberOfConnectors.ToString(CultureInfo.InvariantCulture)),
            new("ResetRetries", ConfigValueKind.Integer, false, "1"),
            new("ConnectorPhaseRotation", ConfigValueKind.Text, false, "1.RST"),
            new("StopTransactionOnEVSideDisconnect", ConfigValueKind.Boolean, true, "true"),
            new("StopTransactionOnInvalidId", ConfigValueKind.Boolean, false, "true"),
            new("StopTxnAlignedData", ConfigValueKind.CsvMeasurands, false, ""),
            new("StopTxnSampledData", ConfigValueKind.CsvMeasurands, false, ""),
            // Ours: the most MeterValue entries in StopTransaction.transactionData (see TransactionData); taken at each start.
            new("StopTxnMaxMeterValues", ConfigValueKind.Integer, false, "50", Minimum: TransactionData.MinimumCapacity),
            // Ours: the most authorisation cache entries kept (expired ones go first, then the least recently used).
            new("AuthorizationCacheMaxEntries", ConfigValueKind.Integer, true, "1000"),
            new("SupportedFeatureProfiles", ConfigValueKind.Text, true, "Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger"),
            new("TransactionMessageAttempts", ConfigValueKind.Integer, false, "3"),
            new("TransactionMessageRetryInterval", ConfigValueKind.Integer, false, "60"),
            new("UnlockConnectorOnEVSideDisconnect", ConfigValueKind.Boolean, true, "false"),
            new("WebSocketPingInterval", ConfigValueKind.Integer, false, "30"),
            new("LocalAuthListEnabled", ConfigValueKind.Boolean, false, "true"),
            new("LocalAuthListMaxLength", ConfigValueKind.Integer, true, "1000"),
            new("SendLocalListMaxLength", ConfigValueKind.Integer, true, "100"),
            new("ReserveConnectorZeroSupported", ConfigValueKind.Boolean, true, "false"),
            new("ChargeProfileMaxStackLevel", ConfigValueKind.Integer, true, "10"),
            new("ChargingScheduleAllowedChargingRateUnit", ConfigValueKind.Text, true, "Current,Power"),
            new("ChargingScheduleMaxPeriods", ConfigValueKind.Integer, true, "48"),
            new("MaxChargingProfilesInstalled", ConfigValueKind.Integer, true, "16"),
            new("SupportedFeatureProfilesMaxLength", ConfigValueKind.Integer, true, "6"),
            // Security whitepaper: settable, never read back.
            new("AuthorizationKey", ConfigValueKind.Text, false, "", WriteOnly: true, RebootRequired: true),
        ];
        return new(keys.ToImmutableDictionary(k => k.Name, StringComparer.OrdinalIgnoreCase));
    }

    public int Int(string key) => int.Parse(Keys[key].Value, CultureInfo.InvariantCulture);
    public bool Bool(string key) => bool.Parse(Keys[key].Value);
    public string Text(string key) => Keys[key].Value;

    /// <summary>GetConfiguration: the keys asked for (all when none), the unknown ones listed apart.</summary>
    public GetConfigurationResponse Get(IReadOnlyList<string>? asked)
    {
        static ConfigurationKeyValue Show(ConfigKey k) => new(k.Name, k.ReadOnly, k.WriteOnly ? null : k.Value);
        if (asked is null || asked.Count == 0)
            return new(Keys.Values.OrderBy(k => k.Name, StringComparer.Ordinal).Select(Show).ToList(), null);
        var known = asked.Where(Keys.ContainsKey).Select(a => Show(Keys[a])).ToList();
        var unknown = asked.Where(a => !Keys.ContainsKey(a)).ToList();
        return new(known, unknown.Count == 0 ? null : unknown);
    }

    /// <summary>ChangeConfiguration: unknown -> NotSupported; read-only or a malformed value -> Rejected.</summary>
    public (ChargePointConfiguration Configuration, ConfigurationStatus Status) Change(string key, string value)
    {
        if (!Keys.TryGetValue(key, out var k)) return (this, ConfigurationStatus.NotSupported);
        if (k.ReadOnly || !Valid(k, value)) return (this, ConfigurationStatus.Rejected);
        var next = new ChargePointConfiguration(Keys.SetItem(k.Name, k with { Value = value }));
        return (next, k.RebootRequired ? ConfigurationStatus.RebootRequired : ConfigurationStatus.Accepted);
    }

    /// <summary>The measurands of MeterValuesSampledData.</summary>
    public IReadOnlyList<Measurand> SampledMeasurands() => Measurands("MeterValuesSampledData");

    /// <summary>The measurands of a CSV measurand key (MeterValuesAlignedData, StopTxnSampledData, StopTxnAlignedData...).</summary>
    public IReadOnlyList<Measurand> Measurands(string key) =>
        Text(key).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(m => OcppEnumConverter<Measurand>.TryParse(m, out var v) ? v : (Measurand?)null)
            .OfType<Measurand>().ToList();

    private static bool Valid(ConfigKey key, string value) => key.Kind switch
    {
        ConfigValueKind.Integer => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= key.Minimum,
        ConfigValueKind.Boolean => value is "true" or "false",
        ConfigValueKind.CsvMeasurands => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .All(m => OcppEnumConverter<Measurand>.TryParse(m, out _)),
        _ => true,
    };
}
