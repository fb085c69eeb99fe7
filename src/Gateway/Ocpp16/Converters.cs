using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
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

/// <summary>
/// Reads and writes an OCPP enumeration as the spec's exact string. The names are taken once per
/// enumeration (the member name, or its <see cref="JsonStringEnumMemberNameAttribute"/>) and kept
/// as UTF-8: a value is written from its encoded name and read by comparing the reader's bytes,
/// with no string made on either side.
/// </summary>
public sealed class OcppEnumConverter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] T> : JsonConverter<T>
    where T : struct, Enum
{
    private static readonly T[] Values = Enum.GetValues<T>();
    private static readonly string[] Names = Values.Select(v =>
        typeof(T).GetField(v.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? v.ToString()).ToArray();
    private static readonly byte[][] Utf8Names = Names.Select(Encoding.UTF8.GetBytes).ToArray();
    private static readonly JsonEncodedText[] Encoded = Names.Select(n => JsonEncodedText.Encode(n)).ToArray();
    private static readonly FrozenDictionary<string, T> ByName =
        Enumerable.Range(0, Values.Length).ToFrozenDictionary(i => Names[i], i => Values[i], StringComparer.Ordinal);

    /// <summary>The spec's string of a value.</summary>
    public static string NameOf(T value) => Names[IndexOf(value)];

    public static bool TryParse(string text, out T value) => ByName.TryGetValue(text, out value);

    // The members of every OCPP enumeration are 0..n-1 in declaration order.
    private static int IndexOf(T value)
    {
        var i = Unsafe.As<T, int>(ref value);
        return (uint)i < (uint)Values.Length && EqualityComparer<T>.Default.Equals(Values[i], value)
            ? i
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"not a defined {typeof(T).Name}");
    }

    /// <summary>A value read from the reader's string without making a string; false when it is not one (or is escaped).</summary>
    internal static bool TryRead(ref Utf8JsonReader reader, out T value)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var bytes = reader.ValueSpan;
            for (var i = 0; i < Utf8Names.Length; i++)
            {
                if (!bytes.SequenceEqual(Utf8Names[i])) continue;
                value = Values[i];
                return true;
            }
        }
        value = default;
        return false;
    }

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"{typeof(T).Name} must be a string, not {reader.TokenType}.");
        if (TryRead(ref reader, out var known)) return known;
        if ((reader.ValueIsEscaped || reader.HasValueSequence) && ByName.TryGetValue(reader.GetString()!, out var value)) return value;
        throw new OcppPayloadException(CallErrorCode.PropertyConstraintViolation,
            $"'{Truncate(reader.GetString()!)}' is not a {typeof(T).Name}; allowed: {string.Join(", ", Names)}.");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => Write(writer, value);

    internal static void Write(Utf8JsonWriter writer, T value) => writer.WriteStringValue(Encoded[IndexOf(value)]);

    internal static string Truncate(string text) => text.Length <= 60 ? text : text[..60] + "...";
}

/// <summary>
/// OCPP dateTime: written as UTC ISO 8601 with milliseconds and 'Z'; read from any ISO 8601 form
/// that carries a zone (a time without one is ambiguous and refused). Neither side makes a string
/// for a well-formed value.
/// </summary>
public sealed class UtcDateTimeConverter : JsonConverter<DateTimeOffset>
{
    private const string WireFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"a dateTime must be a string, not {reader.TokenType}.");
        if (TryRead(ref reader, out var fast)) return fast;
        var text = reader.GetString()!;
        if (!HasZone(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
            throw new OcppPayloadException(CallErrorCode.PropertyConstraintViolation,
                $"'{OcppEnumConverter<ResetType>.Truncate(text)}' is not an ISO 8601 dateTime with a zone (e.g. 2026-01-31T12:00:00Z).");
        return value.ToUniversalTime();
    }

    /// <summary>A well-formed dateTime with a zone, read without making a string; false otherwise.</summary>
    internal static bool TryRead(ref Utf8JsonReader reader, out DateTimeOffset value)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence
            && HasZone(reader.ValueSpan) && reader.TryGetDateTimeOffset(out var read))
        {
            value = read.ToUniversalTime();
            return true;
        }
        value = default;
        return false;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => Write(writer, value);

    internal static void Write(Utf8JsonWriter writer, DateTimeOffset value)
    {
        Span<byte> utf8 = stackalloc byte[32];
        if (!value.UtcDateTime.TryFormat(utf8, out var written, WireFormat, CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"{value:O} does not fit an OCPP dateTime.");
        writer.WriteStringValue(utf8[..written]);
    }

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString(WireFormat, CultureInfo.InvariantCulture);

    private static bool HasZone(ReadOnlySpan<char> text)
    {
        var t = text.IndexOf('T');
        if (t < 0) return false;
        var time = text[t..];
        return time.EndsWith("Z") || time.EndsWith("z") || time.LastIndexOfAny('+', '-') > 0;
    }

    private static bool HasZone(ReadOnlySpan<byte> text)
    {
        var t = text.IndexOf((byte)'T');
        if (t < 0) return false;
        var time = text[t..];
        return time[^1] is (byte)'Z' or (byte)'z' || time.LastIndexOfAny((byte)'+', (byte)'-') > 0;
    }
}

/// <summary>
/// A payload whose strings have limits the JSON types cannot say: the CiStringN lengths of 1.6
/// (case-insensitive text of at most N characters) and anyURI. Checked after it is read (a
/// PropertyConstraintViolation that names the field) and before it is written (our own fault:
/// InternalError). Checks in the payload rather than converters on its properties keep the
/// source-generated fast path of writing.
/// </summary>
public interface IOcppCheckedPayload : IJsonOnSerializing, IJsonOnDeserialized
{
    /// <summary>Throws <see cref="OcppPayloadException"/> with <paramref name="code"/> for the first value over its limit.</summary>
    void Check(CallErrorCode code);

    void IJsonOnSerializing.OnSerializing() => Check(CallErrorCode.InternalError);

    void IJsonOnDeserialized.OnDeserialized() => Check(CallErrorCode.PropertyConstraintViolation);
}

/// <summary>The checks of <see cref="IOcppCheckedPayload"/>.</summary>
public static class OcppChecks
{
    /// <summary>A CiStringN: at most <paramref name="max"/> characters (null passes: optional fields).</summary>
    public static void CiString(string? text, int max, string field, CallErrorCode code)
    {
        if (text is not null && text.Length > max)
            throw new OcppPayloadException(code,
                $"{field} '{OcppEnumConverter<ResetType>.Truncate(text)}' has {text.Length} characters; a CiString{max} holds at most {max}.");
    }

    public static void CiStrings(IReadOnlyList<string>? texts, int max, string field, CallErrorCode code)
    {
        if (texts is null) return;
        foreach (var text in texts) CiString(text, max, field, code);
    }

    /// <summary>anyURI of 1.6 (firmware and diagnostics locations): an absolute URI.</summary>
    public static void AbsoluteUri(string text, string field, CallErrorCode code)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out _))
            throw new OcppPayloadException(code, $"{field} '{OcppEnumConverter<ResetType>.Truncate(text)}' is not an absolute URI.");
    }
}
