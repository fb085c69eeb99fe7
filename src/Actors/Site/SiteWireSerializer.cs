using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using SmartElek.Site;

namespace SmartElek.Actors.Site;

/// <summary>
/// Serializes the site's cluster messages as JSON with the stable manifest of their
/// <see cref="WireNameAttribute"/>. Bound per type in config/akka.site.hocon so it can live
/// beside a project-wide IWireMessage serializer.
/// </summary>
public sealed class SiteWireSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>SmartElek #4500: serializer ids below 100 are Akka's own.</summary>
    public const int SerializerId = 4501;

    public static readonly IReadOnlyList<Type> MessageTypes =
    [
        typeof(SiteProtocol.ChargerReport),
        typeof(SiteProtocol.CurrentGrant),
        typeof(SiteAllocatorProtocol.GetLedger),
        typeof(SiteAllocatorProtocol.LedgerState),
    ];

    static readonly FrozenDictionary<Type, string> NameOf = MessageTypes.ToFrozenDictionary(
        t => t, t => t.GetCustomAttribute<WireNameAttribute>()?.Name
            ?? throw new InvalidOperationException($"{t} has no [WireName]"));

    static readonly FrozenDictionary<string, Type> TypeOf = NameOf.ToFrozenDictionary(p => p.Value, p => p.Key);

    internal static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new ChargerIdConverter(), new JsonStringEnumConverter() },
    };

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        NameOf.TryGetValue(o.GetType(), out var name) ? name
            : throw new ArgumentException($"{o.GetType()} is not a site wire message", nameof(o));

    public override byte[] ToBinary(object obj)
    {
        Manifest(obj);
        return JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!TypeOf.TryGetValue(manifest, out var type))
            throw new System.Runtime.Serialization.SerializationException($"unknown site wire manifest '{manifest}'");
        return JsonSerializer.Deserialize(bytes, type, Json)
            ?? throw new System.Runtime.Serialization.SerializationException($"empty payload for '{manifest}'");
    }

    sealed class ChargerIdConverter : JsonConverter<ChargerId>
    {
        public override ChargerId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(reader.GetString() ?? throw new JsonException("a charger id must be a string"));

        public override void Write(Utf8JsonWriter writer, ChargerId value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Value);
    }
}
