using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using SmartElek.Gateway.Framing;

namespace SmartElek.Gateway.Ocpp16;

/// <summary>
/// A payload value that is well-typed JSON but breaks an OCPP rule (unknown enum string, string
/// longer than its CiString, date without a zone, not a URI). Thrown by the converters below and
/// turned into a CALLERROR by the codec; not a JsonException, so that it is not mistaken for a
/// type error.
/// </summary>
public sealed class OcppPayloadException(CallErrorCode code, string message) : Exception(message)
{
    public CallErrorCode Code { get; } = code;
}

/// <summary>Reads and writes an OCPP enumeration as the spec's exact string.</summary>
public sealed class OcppEnumConverter<T> : JsonConverter<T> where T : struct, Enum
{
    private static readonly Dictionary<string, T> ByName = new(StringComparer.Ordinal);
    private static readonly Dictionary<T, string> ToName = new();

    static OcppEnumConverter()
    {
        foreach (var field in typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var name = field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? field.Name;
            var value = (T)field.GetValue(null)!;
            ByName[name] = value;
            ToName[value] = name;
        }
    }

    /// <summary>The spec's string of a value.</summary>
    public static string NameOf(T value) => ToName[value];

    public static bool TryParse(string text, out T value) => ByName.TryGetValue(text, out value);

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"{typeof(T).Name} must be a string, not {reader.TokenType}.");
        var text = reader.GetString()!;
        if (ByName.TryGetValue(text, out var value)) return value;
        throw new OcppPayloadException(CallErrorCode.PropertyConstraintViolation,
            $"'{Truncate(text)}' is not a {typeof(T).Name}; allowed: {string.Join(", ", ByName.Keys)}.");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        if (!ToName.TryGetValue(value, out var name))
            throw new ArgumentOutOfRangeException(nameof(value), value, $"not a defined {typeof(T).Name}");
        writer.WriteStringValue(name);
    }

    internal static string Truncate(string text) => text.Length <= 60 ? text : text[..60] + "...";
}

/// <summary>
/// OCPP dateTime: written as UTC ISO 8601 with milliseconds and 'Z'; read from any ISO 8601 form
/// that carries a zone (a time without one is ambiguous and refused).
/// </summary>
public sealed class UtcDateTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"a dateTime must be a string, not {reader.TokenType}.");
        var text = reader.GetString()!;
        if (!HasZone(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
            throw new OcppPayloadException(CallErrorCode.PropertyConstraintViolation,
                $"'{OcppEnumConverter<ResetType>.Truncate(text)}' is not an ISO 8601 dateTime with a zone (e.g. 2026-01-31T12:00:00Z).");
        return value.ToUniversalTime();
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static bool HasZone(string text)
    {
        var t = text.IndexOf('T');
        if (t < 0) return false;
        var time = text.AsSpan(t);
        return time.EndsWith("Z") || time.EndsWith("z") || time.LastIndexOfAny('+', '-') > 0;
    }
}

/// <summary>A CiStringN of 1.6: case-insensitive text of at most N characters.</summary>
public abstract class CiStringConverter(int maxLength) : JsonConverter<string>
{
    public int MaxLength { get; } = maxLength;

    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"a CiString{MaxLength} must be a string, not {reader.TokenType}.");
        var text = reader.GetString()!;
        Check(text, MaxLength, CallErrorCode.PropertyConstraintViolation);
        return text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        Check(value, MaxLength, CallErrorCode.InternalError);
        writer.WriteStringValue(value);
    }

    internal static void Check(string text, int max, CallErrorCode code)
    {
        if (text.Length > max)
            throw new OcppPayloadException(code,
                $"'{OcppEnumConverter<ResetType>.Truncate(text)}' has {text.Length} characters; a CiString{max} holds at most {max}.");
    }
}

public sealed class CiString20 : CiStringConverter { public CiString20() : base(20) { } }
public sealed class CiString25 : CiStringConverter { public CiString25() : base(25) { } }
public sealed class CiString50 : CiStringConverter { public CiString50() : base(50) { } }
public sealed class CiString255 : CiStringConverter { public CiString255() : base(255) { } }
public sealed class CiString500 : CiStringConverter { public CiString500() : base(500) { } }

/// <summary>A list of CiString50 (GetConfiguration keys, unknown keys).</summary>
public sealed class CiString50List : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException($"expected an array of CiString50, not {reader.TokenType}.");
        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException($"expected a CiString50 in the array, not {reader.TokenType}.");
            var text = reader.GetString()!;
            CiStringConverter.Check(text, 50, CallErrorCode.PropertyConstraintViolation);
            list.Add(text);
        }
        return list;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var text in value)
        {
            CiStringConverter.Check(text, 50, CallErrorCode.InternalError);
            writer.WriteStringValue(text);
        }
        writer.WriteEndArray();
    }
}

/// <summary>anyURI of 1.6 (firmware and diagnostics locations): an absolute URI.</summary>
public sealed class AbsoluteUri : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"a URI must be a string, not {reader.TokenType}.");
        var text = reader.GetString()!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out _))
            throw new OcppPayloadException(CallErrorCode.PropertyConstraintViolation,
                $"'{OcppEnumConverter<ResetType>.Truncate(text)}' is not an absolute URI.");
        return text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}
