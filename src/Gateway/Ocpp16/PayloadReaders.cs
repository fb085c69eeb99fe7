using System.Buffers;
using System.Text.Json;
using SmartElek.Gateway.Framing;

namespace SmartElek.Gateway.Ocpp16;

/// <summary>
/// One-pass readers for the payloads that make most of the traffic and its size: MeterValues and
/// SetChargingProfile with their parts, and BootNotification. The source-generated metadata reads
/// a positional record through an argument buffer (boxing each value); these build the record
/// from the reader directly, lists as exactly sized arrays, so that decoding makes nothing but the
/// message. They read only what is well-formed: on anything else (a missing or null required
/// field, a wrong type, an unknown enumeration string, a string over its length) they answer
/// false and the codec reads the payload the general way, which names the fault. A property test
/// holds them to the general reader's result.
/// </summary>
internal static class PayloadReaders
{
    /// <summary>Reads one payload object; the reader is on its StartObject and ends on its EndObject.</summary>
    internal delegate bool Reader(ref Utf8JsonReader reader, out IOcppRequest? request);

    /// <summary>The request readers, by action name.</summary>
    internal static Reader? For(string action) => action switch
    {
        "BootNotification" => static (ref Utf8JsonReader r, out IOcppRequest? v) => Done(TryBootNotification(ref r, out var x), x, out v),
        "MeterValues" => static (ref Utf8JsonReader r, out IOcppRequest? v) => Done(TryMeterValues(ref r, out var x), x, out v),
        "SetChargingProfile" => static (ref Utf8JsonReader r, out IOcppRequest? v) => Done(TrySetChargingProfile(ref r, out var x), x, out v),
        _ => null,
    };

    private static bool Done<T>(bool ok, T? value, out IOcppRequest? request) where T : class, IOcppRequest
    {
        request = ok ? value : null;
        return ok;
    }

    private static bool TryBootNotification(ref Utf8JsonReader r, out BootNotificationRequest? value)
    {
        value = null;
        string? vendor = null, model = null, cpSerial = null, boxSerial = null, firmware = null, iccid = null, imsi = null, meterType = null, meterSerial = null;
        while (NextProperty(ref r))
        {
            bool ok;
            if (r.ValueTextEquals("chargePointVendor"u8)) ok = Text(ref r, out vendor);
            else if (r.ValueTextEquals("chargePointModel"u8)) ok = Text(ref r, out model);
            else if (r.ValueTextEquals("chargePointSerialNumber"u8)) ok = NullableText(ref r, out cpSerial);
            else if (r.ValueTextEquals("chargeBoxSerialNumber"u8)) ok = NullableText(ref r, out boxSerial);
            else if (r.ValueTextEquals("firmwareVersion"u8)) ok = NullableText(ref r, out firmware);
            else if (r.ValueTextEquals("iccid"u8)) ok = NullableText(ref r, out iccid);
            else if (r.ValueTextEquals("imsi"u8)) ok = NullableText(ref r, out imsi);
            else if (r.ValueTextEquals("meterType"u8)) ok = NullableText(ref r, out meterType);
            else if (r.ValueTextEquals("meterSerialNumber"u8)) ok = NullableText(ref r, out meterSerial);
            else ok = r.TrySkip();
            if (!ok) return false;
        }
        if (vendor is null || model is null) return false;
        return Checked(new BootNotificationRequest(vendor, model, cpSerial, boxSerial, firmware, iccid, imsi, meterType, meterSerial), out value);
    }

    private static bool TryMeterValues(ref Utf8JsonReader r, out MeterValuesRequest? value)
    {
        value = null;
        int? connector = null, transaction = null;
        MeterValue[]? values = null;
        while (NextProperty(ref r))
        {
            bool ok;
            if (r.ValueTextEquals("connectorId"u8)) ok = Int(ref r, out connector);
            else if (r.ValueTextEquals("transactionId"u8)) ok = NullableInt(ref r, out transaction);
            else if (r.ValueTextEquals("meterValue"u8)) ok = Objects(ref r, TryMeterValue, out values);
            else ok = r.TrySkip();
            if (!ok) return false;
        }
        if (connector is not { } c || values is null) return false;
        value = new MeterValuesRequest(c, values, transaction);
        return true;
    }

    private static bool TryMeterValue(ref Utf8JsonReader r, out MeterValue? value)
    {
        value = null;
        if (r.TokenType != JsonTokenType.StartObject) return false;
        DateTimeOffset? timestamp = null;
        SampledValue[]? sampled = null;
        while (NextProperty(ref r))
        {
            bool ok;
            if (r.ValueTextEquals("timestamp"u8)) ok = Time(ref r, out timestamp);
            else if (r.ValueTextEquals("sampledValue"u8)) ok = Objects(ref r, TrySampledValue, out sampled);
            else ok = r.TrySkip();
            if (!ok) return false;
        }
        if (timestamp is not { } t || sampled is null) return false;
        value = new MeterValue(t, sampled);
        return true;
    }

    private static bool TrySampledValue(ref Utf8JsonReader r, out SampledValue? value)
    {
        value = null;
        if (r.TokenType != JsonTokenType.StartObject) return false;
        string? text = null;
        ReadingContext? context = null;
        ValueFormat? format = null;
        Measurand? measurand = null;
        Phase? phase = null;
        Location? location = null;
        UnitOfMeasure? unit = null;
        while (NextProperty(ref r))
        {
            bool ok;
            if (r.ValueTextEquals("value"u8)) ok = Text(ref r, out text);
            else if (r.ValueTextEquals("context"u8)) ok = Enum(ref r, out context);
            else if (r.ValueTextEquals("format"u8)) ok = Enum(ref r, out format);
            else if (r.ValueTextEquals("measurand"u8)) ok = Enum(ref r, out measurand);
            else if (r.ValueTextEquals("phase"u8)) ok = Enum(ref r, out phase);
            else if (r.ValueTextEquals("location"u8)) ok = Enum(ref r, out location);
            else if (r.ValueTextEquals("unit"u8)) ok = Enum(ref r, out unit);
            else ok = r.TrySkip();
            if (!ok) return false;
        }
        if (text is null) return false;
        value = new SampledValue(text, context, format, measurand, phase, location, unit);
        return true;
    }

    private static bool TrySetChargingProfile(ref Utf8JsonReader r, out SetChargingProfileRequest? value)
    {
        value = null;
        int? connector = null;
        ChargingProfile? profile = null;
        while (NextProperty(ref r))
        {
            bool ok;
            if (r.ValueTextEquals("connectorId"u8)) ok = Int(ref r, out connector);
            else if (r.ValueTextEquals("csChargingProfiles"u8)) ok = r.Read() && TryChargingProfile(ref r, out profile);
            else ok = r.TrySkip();
            if (!ok) return false;
        }
        if (connector is not { } c || profile is null) return false;
        value = new SetChargingProfileRequest(c, profile);
        return true;
    }

    private static bool TryChargingProfile(ref Utf8JsonReader r, out ChargingProfile? value)
    {
        value = null;
        if (r.TokenType != JsonTokenType.StartObject) return false;
        int? id = null, stack = null, transaction = null;
        ChargingProfilePurpose? purpose = null;
        ChargingProfileKind? kind = null;
        RecurrencyKind? recurrency = null;
        DateTimeOffset? validFrom = null, validTo = null;
        ChargingSchedule? schedule = null;
        while (NextProperty(ref r))
        {
            bool ok;
            if (r.ValueTextEquals("chargingProfileId"u8)) ok = Int(ref r, out id);
            else if (r.ValueTextEquals("stackLevel"u8)) ok = Int(ref r, out stack);
            else if (r.ValueTextEquals("chargingProfilePurpose"u8)) ok = Enum(ref r, out purpose) && purpose is not null;
            else if (r.ValueTextEquals("chargingProfileKind"u8)) ok = Enum(ref r, out kind) && kind is not null;
            else if (r.ValueTextEquals("chargingSchedule"u8)) ok = r.Read() && TryChargingSchedule(ref r, out schedule);
            else if (r.ValueTextEquals("transactionId"u8)) ok = NullableInt(ref r, out transaction);
            else if (r.ValueTextEquals("recurrencyKind"u8)) ok = Enum(ref r, out recurrency);
            else if (r.ValueTextEquals("validFrom"u8)) ok = NullableTime(ref r, out validFrom);
            else if (r.ValueTextEquals("validTo"u8)) ok = NullableTime(ref r, out validTo);
            else ok = r.TrySkip();
            if (!ok) return false;
        }
        if (id is not { } i || stack is not { } s || purpose is not { } p || kind is not { } k || schedule is null) return false;
        value = new ChargingProfile(i, s, p, k, schedule, transaction, recurrency, validFrom, validTo);
        return true;
    }

    private static bool TryChargingSchedule(ref Utf8JsonReader r, out ChargingSchedule? value)
    {
        value = null;
        if (r.TokenType != JsonTokenType.StartObject) return false;
        ChargingRateUnit? unit = null;
        ChargingSchedulePeriod[]? periods = null;
        int? duration = null;
        DateTimeOffset? start = null;
        decimal? minRate = null;
        while (NextProperty(ref r))
        {
            bool ok;
            if (r.ValueTextEquals("chargingRateUnit"u8)) ok = Enum(ref r, out unit) && unit is not null;
            else if (r.ValueTextEquals("chargingSchedulePeriod"u8)) ok = Objects(ref r, TryPeriod, out periods);
            else if (r.ValueTextEquals("duration"u8)) ok = NullableInt(ref r, out duration);
            else if (r.ValueTextEquals("startSchedule"u8)) ok = NullableTime(ref r, out start);
            else if (r.ValueTextEquals("minChargingRate"u8)) ok = NullableDecimal(ref r, out minRate);
            else ok = r.TrySkip();
            if (!ok) return false;
        }
        if (unit is not { } u || periods is null) return false;
        value = new ChargingSchedule(u, periods, duration, start, minRate);
        return true;
    }

    private static bool TryPeriod(ref Utf8JsonReader r, out ChargingSchedulePeriod? value)
    {
        value = null;
        if (r.TokenType != JsonTokenType.StartObject) return false;
        int? start = null, phases = null;
        decimal? limit = null;
        while (NextProperty(ref r))
        {
            bool ok;
            if (r.ValueTextEquals("startPeriod"u8)) ok = Int(ref r, out start);
            else if (r.ValueTextEquals("limit"u8)) ok = Decimal(ref r, out limit);
            else if (r.ValueTextEquals("numberPhases"u8)) ok = NullableInt(ref r, out phases);
            else ok = r.TrySkip();
            if (!ok) return false;
        }
        if (start is not { } s || limit is not { } l2) return false;
        value = new ChargingSchedulePeriod(s, l2, phases);
        return true;
    }

    // ---- the parts: each reads the value after a property name (the reader is on the name) ----

    private delegate bool ElementReader<T>(ref Utf8JsonReader reader, out T? value) where T : class;

    /// <summary>Moves to the next property name of the object; false at its end.</summary>
    private static bool NextProperty(ref Utf8JsonReader r) => r.Read() && r.TokenType == JsonTokenType.PropertyName;

    private static bool Text(ref Utf8JsonReader r, out string? value)
    {
        value = r.Read() && r.TokenType == JsonTokenType.String ? r.GetString() : null;
        return value is not null;
    }

    private static bool NullableText(ref Utf8JsonReader r, out string? value)
    {
        value = null;
        if (!r.Read()) return false;
        if (r.TokenType == JsonTokenType.Null) return true;
        if (r.TokenType != JsonTokenType.String) return false;
        value = r.GetString();
        return true;
    }

    private static bool Int(ref Utf8JsonReader r, out int? value)
    {
        value = r.Read() && r.TokenType == JsonTokenType.Number && r.TryGetInt32(out var v) ? v : null;
        return value is not null;
    }

    private static bool NullableInt(ref Utf8JsonReader r, out int? value)
    {
        value = null;
        if (!r.Read()) return false;
        if (r.TokenType == JsonTokenType.Null) return true;
        if (r.TokenType != JsonTokenType.Number || !r.TryGetInt32(out var v)) return false;
        value = v;
        return true;
    }

    private static bool Decimal(ref Utf8JsonReader r, out decimal? value)
    {
        value = r.Read() && r.TokenType == JsonTokenType.Number && r.TryGetDecimal(out var v) ? v : null;
        return value is not null;
    }

    private static bool NullableDecimal(ref Utf8JsonReader r, out decimal? value)
    {
        value = null;
        if (!r.Read()) return false;
        if (r.TokenType == JsonTokenType.Null) return true;
        if (r.TokenType != JsonTokenType.Number || !r.TryGetDecimal(out var v)) return false;
        value = v;
        return true;
    }

    private static bool Time(ref Utf8JsonReader r, out DateTimeOffset? value)
    {
        value = r.Read() && UtcDateTimeConverter.TryRead(ref r, out var v) ? v : null;
        return value is not null;
    }

    private static bool NullableTime(ref Utf8JsonReader r, out DateTimeOffset? value)
    {
        value = null;
        if (!r.Read()) return false;
        if (r.TokenType == JsonTokenType.Null) return true;
        if (!UtcDateTimeConverter.TryRead(ref r, out var v)) return false;
        value = v;
        return true;
    }

    // An enumeration, null allowed (a required one is checked by its caller).
    private static bool Enum<T>(ref Utf8JsonReader r, out T? value) where T : struct, System.Enum
    {
        value = null;
        if (!r.Read()) return false;
        if (r.TokenType == JsonTokenType.Null) return true;
        if (!OcppEnumConverter<T>.TryRead(ref r, out var v)) return false;
        value = v;
        return true;
    }

    // An array of objects, as an exactly sized array (collected in a pooled one first).
    private static bool Objects<T>(ref Utf8JsonReader r, ElementReader<T> element, out T[]? value) where T : class
    {
        value = null;
        if (!r.Read() || r.TokenType != JsonTokenType.StartArray) return false;
        var pooled = ArrayPool<T>.Shared.Rent(16);
        var n = 0;
        try
        {
            while (r.Read() && r.TokenType != JsonTokenType.EndArray)
            {
                if (!element(ref r, out var item)) return false;
                if (n == pooled.Length)
                {
                    var bigger = ArrayPool<T>.Shared.Rent(n * 2);
                    pooled.AsSpan(0, n).CopyTo(bigger);
                    ArrayPool<T>.Shared.Return(pooled, clearArray: true);
                    pooled = bigger;
                }
                pooled[n++] = item!;
            }
            value = pooled.AsSpan(0, n).ToArray();
            return true;
        }
        finally
        {
            ArrayPool<T>.Shared.Return(pooled, clearArray: true);
        }
    }

    // The CiString and URI limits, as the general reader checks them after reading.
    private static bool Checked<T>(T payload, out T? value) where T : class, IOcppCheckedPayload
    {
        try
        {
            payload.Check(CallErrorCode.PropertyConstraintViolation);
            value = payload;
            return true;
        }
        catch (OcppPayloadException)
        {
            value = null;
            return false;
        }
    }
}
