using System.Runtime.Serialization;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Linq;

namespace SmartElek.Benchmarks.Ocpp;

// The yardstick of the OCPP codec benchmark: OCPP 1.6 payloads and framing the way the
// Newtonsoft.Json-based OCPP libraries do it. Mutable DTO classes with [JsonProperty] names and
// string enums (StringEnumConverter, [EnumMember] where the spec's name is not an identifier);
// a CALL is written as a JArray [2, id, action, payload] and read by parsing the frame into a
// JArray and deserialising its payload token into the action's DTO. Written for this benchmark.

public enum NsReadingContext
{
    [EnumMember(Value = "Sample.Periodic")] SamplePeriodic,
    [EnumMember(Value = "Sample.Clock")] SampleClock,
    [EnumMember(Value = "Transaction.Begin")] TransactionBegin,
    [EnumMember(Value = "Transaction.End")] TransactionEnd,
    Trigger,
    Other,
}

public enum NsMeasurand
{
    [EnumMember(Value = "Energy.Active.Import.Register")] EnergyActiveImportRegister,
    [EnumMember(Value = "Power.Active.Import")] PowerActiveImport,
    [EnumMember(Value = "Current.Import")] CurrentImport,
    [EnumMember(Value = "Current.Offered")] CurrentOffered,
    Voltage,
    Frequency,
    [EnumMember(Value = "Power.Factor")] PowerFactor,
    SoC,
    Temperature,
    [EnumMember(Value = "Power.Offered")] PowerOffered,
}

public enum NsLocation { Body, Cable, EV, Inlet, Outlet }

public enum NsChargingProfilePurpose { ChargePointMaxProfile, TxDefaultProfile, TxProfile }

public enum NsChargingProfileKind { Absolute, Recurring, Relative }

public enum NsRecurrencyKind { Daily, Weekly }

public enum NsChargingRateUnit { A, W }

public sealed class NsBootNotificationRequest
{
    [JsonProperty("chargePointVendor", Required = Required.Always)] public string ChargePointVendor { get; set; } = "";
    [JsonProperty("chargePointModel", Required = Required.Always)] public string ChargePointModel { get; set; } = "";
    [JsonProperty("chargePointSerialNumber")] public string? ChargePointSerialNumber { get; set; }
    [JsonProperty("chargeBoxSerialNumber")] public string? ChargeBoxSerialNumber { get; set; }
    [JsonProperty("firmwareVersion")] public string? FirmwareVersion { get; set; }
    [JsonProperty("iccid")] public string? Iccid { get; set; }
    [JsonProperty("imsi")] public string? Imsi { get; set; }
    [JsonProperty("meterType")] public string? MeterType { get; set; }
    [JsonProperty("meterSerialNumber")] public string? MeterSerialNumber { get; set; }
}

public sealed class NsSampledValue
{
    [JsonProperty("value", Required = Required.Always)] public string Value { get; set; } = "";
    [JsonProperty("context")] public NsReadingContext? Context { get; set; }
    [JsonProperty("measurand")] public NsMeasurand? Measurand { get; set; }
    [JsonProperty("location")] public NsLocation? Location { get; set; }
}

public sealed class NsMeterValue
{
    [JsonProperty("timestamp", Required = Required.Always)] public DateTimeOffset Timestamp { get; set; }
    [JsonProperty("sampledValue", Required = Required.Always)] public List<NsSampledValue> SampledValue { get; set; } = [];
}

public sealed class NsMeterValuesRequest
{
    [JsonProperty("connectorId", Required = Required.Always)] public int ConnectorId { get; set; }
    [JsonProperty("transactionId")] public int? TransactionId { get; set; }
    [JsonProperty("meterValue", Required = Required.Always)] public List<NsMeterValue> MeterValue { get; set; } = [];
}

public sealed class NsChargingSchedulePeriod
{
    [JsonProperty("startPeriod", Required = Required.Always)] public int StartPeriod { get; set; }
    [JsonProperty("limit", Required = Required.Always)] public decimal Limit { get; set; }
    [JsonProperty("numberPhases")] public int? NumberPhases { get; set; }
}

public sealed class NsChargingSchedule
{
    [JsonProperty("duration")] public int? Duration { get; set; }
    [JsonProperty("startSchedule")] public DateTimeOffset? StartSchedule { get; set; }
    [JsonProperty("chargingRateUnit", Required = Required.Always)] public NsChargingRateUnit ChargingRateUnit { get; set; }
    [JsonProperty("chargingSchedulePeriod", Required = Required.Always)] public List<NsChargingSchedulePeriod> ChargingSchedulePeriod { get; set; } = [];
    [JsonProperty("minChargingRate")] public decimal? MinChargingRate { get; set; }
}

public sealed class NsChargingProfile
{
    [JsonProperty("chargingProfileId", Required = Required.Always)] public int ChargingProfileId { get; set; }
    [JsonProperty("transactionId")] public int? TransactionId { get; set; }
    [JsonProperty("stackLevel", Required = Required.Always)] public int StackLevel { get; set; }
    [JsonProperty("chargingProfilePurpose", Required = Required.Always)] public NsChargingProfilePurpose ChargingProfilePurpose { get; set; }
    [JsonProperty("chargingProfileKind", Required = Required.Always)] public NsChargingProfileKind ChargingProfileKind { get; set; }
    [JsonProperty("recurrencyKind")] public NsRecurrencyKind? RecurrencyKind { get; set; }
    [JsonProperty("validFrom")] public DateTimeOffset? ValidFrom { get; set; }
    [JsonProperty("validTo")] public DateTimeOffset? ValidTo { get; set; }
    [JsonProperty("chargingSchedule", Required = Required.Always)] public NsChargingSchedule ChargingSchedule { get; set; } = new();
}

public sealed class NsSetChargingProfileRequest
{
    [JsonProperty("connectorId", Required = Required.Always)] public int ConnectorId { get; set; }
    [JsonProperty("csChargingProfiles", Required = Required.Always)] public NsChargingProfile CsChargingProfiles { get; set; } = new();
}

/// <summary>A decoded CALL of the Newtonsoft side: its id, action and payload DTO.</summary>
public sealed record NsCall(string MessageId, string Action, object Payload);

/// <summary>CALL frames with Newtonsoft.Json: one serializer with its settings, made once.</summary>
public static class NewtonsoftFrames
{
    private static readonly Dictionary<string, Type> Actions = new(StringComparer.Ordinal)
    {
        ["BootNotification"] = typeof(NsBootNotificationRequest),
        ["MeterValues"] = typeof(NsMeterValuesRequest),
        ["SetChargingProfile"] = typeof(NsSetChargingProfileRequest),
    };

    private static readonly JsonSerializer Serializer = JsonSerializer.Create(new JsonSerializerSettings
    {
        NullValueHandling = NullValueHandling.Ignore,
        DateParseHandling = DateParseHandling.DateTimeOffset,
        Converters = { new StringEnumConverter(), new IsoDateTimeConverter { DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'" } },
    });

    public static string EncodeCall(string messageId, string action, object payload) =>
        new JArray(2, messageId, action, JObject.FromObject(payload, Serializer)).ToString(Formatting.None);

    public static NsCall Decode(string frame)
    {
        var array = JArray.Parse(frame);
        if (array.Count != 4 || array[0].Value<int>() != 2) throw new JsonException("not a CALL");
        var action = array[2].Value<string>()!;
        var payload = array[3].ToObject(Actions[action], Serializer) ?? throw new JsonException("empty payload");
        return new NsCall(array[1].Value<string>()!, action, payload);
    }
}
