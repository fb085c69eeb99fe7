using System.Text.Json;
using SmartElek.Gateway.Framing;

namespace SmartElek.Gateway.Ocpp16;

/// <summary>
/// Writers for the payloads <see cref="PayloadReaders"/> reads. The source generator's fast path
/// of writing is off for this context (its options carry the dateTime converter, and OCPP wants
/// UTC with 'Z' rather than the built-in "+00:00"), and the general writer keeps a stack of frames
/// for nested objects that it allocates: these write the same bytes in one pass with nothing made
/// but the frame. Property order and omitted nulls are the general writer's; a property test holds
/// them to its output byte for byte.
/// </summary>
internal static class PayloadWriters
{
    internal delegate void Writer(Utf8JsonWriter writer, IOcppRequest request);

    internal static Writer? For(string action) => action switch
    {
        "BootNotification" => static (w, r) => BootNotification(w, (BootNotificationRequest)r),
        "MeterValues" => static (w, r) => MeterValues(w, (MeterValuesRequest)r),
        "SetChargingProfile" => static (w, r) => SetChargingProfile(w, (SetChargingProfileRequest)r),
        _ => null,
    };

    private static class Names
    {
        public static readonly JsonEncodedText ChargePointVendor = JsonEncodedText.Encode("chargePointVendor");
        public static readonly JsonEncodedText ChargePointModel = JsonEncodedText.Encode("chargePointModel");
        public static readonly JsonEncodedText ChargePointSerialNumber = JsonEncodedText.Encode("chargePointSerialNumber");
        public static readonly JsonEncodedText ChargeBoxSerialNumber = JsonEncodedText.Encode("chargeBoxSerialNumber");
        public static readonly JsonEncodedText FirmwareVersion = JsonEncodedText.Encode("firmwareVersion");
        public static readonly JsonEncodedText Iccid = JsonEncodedText.Encode("iccid");
        public static readonly JsonEncodedText Imsi = JsonEncodedText.Encode("imsi");
        public static readonly JsonEncodedText MeterType = JsonEncodedText.Encode("meterType");
        public static readonly JsonEncodedText MeterSerialNumber = JsonEncodedText.Encode("meterSerialNumber");
        public static readonly JsonEncodedText ConnectorId = JsonEncodedText.Encode("connectorId");
        public static readonly JsonEncodedText MeterValue = JsonEncodedText.Encode("meterValue");
        public static readonly JsonEncodedText TransactionId = JsonEncodedText.Encode("transactionId");
        public static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("timestamp");
        public static readonly JsonEncodedText SampledValue = JsonEncodedText.Encode("sampledValue");
        public static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
        public static readonly JsonEncodedText Context = JsonEncodedText.Encode("context");
        public static readonly JsonEncodedText Format = JsonEncodedText.Encode("format");
        public static readonly JsonEncodedText Measurand = JsonEncodedText.Encode("measurand");
        public static readonly JsonEncodedText Phase = JsonEncodedText.Encode("phase");
        public static readonly JsonEncodedText Location = JsonEncodedText.Encode("location");
        public static readonly JsonEncodedText Unit = JsonEncodedText.Encode("unit");
        public static readonly JsonEncodedText CsChargingProfiles = JsonEncodedText.Encode("csChargingProfiles");
        public static readonly JsonEncodedText ChargingProfileId = JsonEncodedText.Encode("chargingProfileId");
        public static readonly JsonEncodedText StackLevel = JsonEncodedText.Encode("stackLevel");
        public static readonly JsonEncodedText ChargingProfilePurpose = JsonEncodedText.Encode("chargingProfilePurpose");
        public static readonly JsonEncodedText ChargingProfileKind = JsonEncodedText.Encode("chargingProfileKind");
        public static readonly JsonEncodedText ChargingSchedule = JsonEncodedText.Encode("chargingSchedule");
        public static readonly JsonEncodedText RecurrencyKind = JsonEncodedText.Encode("recurrencyKind");
        public static readonly JsonEncodedText ValidFrom = JsonEncodedText.Encode("validFrom");
        public static readonly JsonEncodedText ValidTo = JsonEncodedText.Encode("validTo");
        public static readonly JsonEncodedText ChargingRateUnit = JsonEncodedText.Encode("chargingRateUnit");
        public static readonly JsonEncodedText ChargingSchedulePeriod = JsonEncodedText.Encode("chargingSchedulePeriod");
        public static readonly JsonEncodedText Duration = JsonEncodedText.Encode("duration");
        public static readonly JsonEncodedText StartSchedule = JsonEncodedText.Encode("startSchedule");
        public static readonly JsonEncodedText MinChargingRate = JsonEncodedText.Encode("minChargingRate");
        public static readonly JsonEncodedText StartPeriod = JsonEncodedText.Encode("startPeriod");
        public static readonly JsonEncodedText Limit = JsonEncodedText.Encode("limit");
        public static readonly JsonEncodedText NumberPhases = JsonEncodedText.Encode("numberPhases");
    }

    private static void BootNotification(Utf8JsonWriter w, BootNotificationRequest r)
    {
        ((IOcppCheckedPayload)r).Check(CallErrorCode.InternalError);
        w.WriteStartObject();
        w.WriteString(Names.ChargePointVendor, r.ChargePointVendor);
        w.WriteString(Names.ChargePointModel, r.ChargePointModel);
        Text(w, Names.ChargePointSerialNumber, r.ChargePointSerialNumber);
        Text(w, Names.ChargeBoxSerialNumber, r.ChargeBoxSerialNumber);
        Text(w, Names.FirmwareVersion, r.FirmwareVersion);
        Text(w, Names.Iccid, r.Iccid);
        Text(w, Names.Imsi, r.Imsi);
        Text(w, Names.MeterType, r.MeterType);
        Text(w, Names.MeterSerialNumber, r.MeterSerialNumber);
        w.WriteEndObject();
    }

    private static void MeterValues(Utf8JsonWriter w, MeterValuesRequest r)
    {
        w.WriteStartObject();
        w.WriteNumber(Names.ConnectorId, r.ConnectorId);
        w.WriteStartArray(Names.MeterValue);
        for (var i = 0; i < r.MeterValue.Count; i++) MeterValue(w, r.MeterValue[i]);
        w.WriteEndArray();
        Number(w, Names.TransactionId, r.TransactionId);
        w.WriteEndObject();
    }

    private static void MeterValue(Utf8JsonWriter w, MeterValue v)
    {
        w.WriteStartObject();
        w.WritePropertyName(Names.Timestamp);
        UtcDateTimeConverter.Write(w, v.Timestamp);
        w.WriteStartArray(Names.SampledValue);
        for (var i = 0; i < v.SampledValue.Count; i++)
        {
            var s = v.SampledValue[i];
            w.WriteStartObject();
            w.WriteString(Names.Value, s.Value);
            Enum(w, Names.Context, s.Context);
            Enum(w, Names.Format, s.Format);
            Enum(w, Names.Measurand, s.Measurand);
            Enum(w, Names.Phase, s.Phase);
            Enum(w, Names.Location, s.Location);
            Enum(w, Names.Unit, s.Unit);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void SetChargingProfile(Utf8JsonWriter w, SetChargingProfileRequest r)
    {
        w.WriteStartObject();
        w.WriteNumber(Names.ConnectorId, r.ConnectorId);
        w.WritePropertyName(Names.CsChargingProfiles);
        var p = r.CsChargingProfiles;
        w.WriteStartObject();
        w.WriteNumber(Names.ChargingProfileId, p.ChargingProfileId);
        w.WriteNumber(Names.StackLevel, p.StackLevel);
        Enum(w, Names.ChargingProfilePurpose, (ChargingProfilePurpose?)p.ChargingProfilePurpose);
        Enum(w, Names.ChargingProfileKind, (ChargingProfileKind?)p.ChargingProfileKind);
        w.WritePropertyName(Names.ChargingSchedule);
        var s = p.ChargingSchedule;
        w.WriteStartObject();
        Enum(w, Names.ChargingRateUnit, (ChargingRateUnit?)s.ChargingRateUnit);
        w.WriteStartArray(Names.ChargingSchedulePeriod);
        for (var i = 0; i < s.ChargingSchedulePeriod.Count; i++)
        {
            var period = s.ChargingSchedulePeriod[i];
            w.WriteStartObject();
            w.WriteNumber(Names.StartPeriod, period.StartPeriod);
            w.WriteNumber(Names.Limit, period.Limit);
            Number(w, Names.NumberPhases, period.NumberPhases);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Number(w, Names.Duration, s.Duration);
        Time(w, Names.StartSchedule, s.StartSchedule);
        if (s.MinChargingRate is { } min) w.WriteNumber(Names.MinChargingRate, min);
        w.WriteEndObject();
        Number(w, Names.TransactionId, p.TransactionId);
        Enum(w, Names.RecurrencyKind, p.RecurrencyKind);
        Time(w, Names.ValidFrom, p.ValidFrom);
        Time(w, Names.ValidTo, p.ValidTo);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // ---- optional values are left out when null, as the general writer does ----

    private static void Text(Utf8JsonWriter w, JsonEncodedText name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }

    private static void Number(Utf8JsonWriter w, JsonEncodedText name, int? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
    }

    private static void Time(Utf8JsonWriter w, JsonEncodedText name, DateTimeOffset? value)
    {
        if (value is not { } v) return;
        w.WritePropertyName(name);
        UtcDateTimeConverter.Write(w, v);
    }

    private static void Enum<T>(Utf8JsonWriter w, JsonEncodedText name, T? value) where T : struct, System.Enum
    {
        if (value is not { } v) return;
        w.WritePropertyName(name);
        OcppEnumConverter<T>.Write(w, v);
    }
}
