using System.Text.Json;
using System.Text.Json.Serialization;

[assembly: SmartElek.WireJsonContext(typeof(SmartElek.ChargerWireJson))]

namespace SmartElek;

/// <summary>
/// Marks every message that leaves a process or goes into the journal: cluster messages and
/// persisted events. Akka binds this one interface to one serializer with stable manifests, so
/// nothing falls back to the default JSON serializer and old journals stay readable.
/// </summary>
public interface IWireMessage;

/// <summary>The stable manifest of a wire message, e.g. <c>session.started.v1</c>. Never reuse or change one.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class WireNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>
/// Names the source-generated <see cref="JsonSerializerContext"/> through which an assembly's wire
/// messages are written, e.g. <c>[assembly: WireJsonContext(typeof(ChargerWireJson))]</c>. The wire
/// serializer finds every assembly that carries this attribute, so a new message type needs only its
/// <see cref="WireNameAttribute"/> and a <c>[JsonSerializable(typeof(...))]</c> line on that context.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class WireJsonContextAttribute : Attribute
{
    public Type ContextType { get; }

    public WireJsonContextAttribute(Type contextType)
    {
        ArgumentNullException.ThrowIfNull(contextType);
        if (!typeof(JsonSerializerContext).IsAssignableFrom(contextType) || contextType.IsAbstract)
            throw new ArgumentException($"{contextType.FullName} is not a concrete JsonSerializerContext.", nameof(contextType));
        ContextType = contextType;
    }
}

/// <summary>Writes a <see cref="ChargerId"/> as its plain string, the same way on the wire and in the journal.</summary>
public sealed class ChargerIdJsonConverter : JsonConverter<ChargerId>
{
    public override ChargerId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? new ChargerId(reader.GetString()!)
            : throw new JsonException($"A charger id must be a JSON string, found {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, ChargerId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);

    public override ChargerId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, ChargerId value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.Value);
}

/// <summary>
/// The JSON metadata of this assembly's wire messages. Add one <c>[JsonSerializable(typeof(T))]</c>
/// line per message or event type; the round-trip test fails for a type that has none.
/// (A context needs at least one entry; <see cref="ChargerId"/> is in most messages.)
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(ChargerId))]
[JsonSerializable(typeof(SmartElek.Charger.Sessions.SessionEvents.PluggedIn))]
[JsonSerializable(typeof(SmartElek.Charger.Sessions.SessionEvents.Authorised))]
[JsonSerializable(typeof(SmartElek.Charger.Sessions.SessionEvents.Charging))]
[JsonSerializable(typeof(SmartElek.Charger.Sessions.SessionEvents.SuspendedByEv))]
[JsonSerializable(typeof(SmartElek.Charger.Sessions.SessionEvents.SuspendedByEvse))]
[JsonSerializable(typeof(SmartElek.Charger.Sessions.SessionEvents.PeakCurrentRaised))]
[JsonSerializable(typeof(SmartElek.Charger.Sessions.SessionEvents.Stopped))]
[JsonSerializable(typeof(SmartElek.Charger.Sessions.SessionEvents.PluggedOut))]
[JsonSerializable(typeof(SmartElek.Charger.Journal.ChargerJournalEvents.EnergyRecorded))]
[JsonSerializable(typeof(SmartElek.Charger.Journal.ChargerJournalEvents.RegisterReset))]
[JsonSerializable(typeof(SmartElek.Charger.Journal.ChargerJournalEvents.SettingsChanged))]
[JsonSerializable(typeof(SmartElek.Charger.Journal.ChargerJournalEvents.FaultRecorded))]
[JsonSerializable(typeof(SmartElek.Charger.Journal.ChargerJournalEvents.Snapshot))]
[JsonSerializable(typeof(SmartElek.Site.Commissioning.TopologyEvents.Seeded))]
[JsonSerializable(typeof(SmartElek.Site.Commissioning.TopologyEvents.CircuitSet))]
[JsonSerializable(typeof(SmartElek.Site.Commissioning.TopologyEvents.ChargerPlaced))]
[JsonSerializable(typeof(SmartElek.Site.Commissioning.TopologyEvents.ChargerRemoved))]
[JsonSerializable(typeof(SmartElek.Site.Commissioning.TopologyEvents.PermitJoinOpened))]
[JsonSerializable(typeof(SmartElek.Site.Commissioning.TopologyEvents.PermitJoinClosed))]
[JsonSerializable(typeof(SmartElek.Site.Commissioning.TopologyCommands.SetCircuit))]
[JsonSerializable(typeof(SmartElek.Site.Commissioning.TopologyCommands.PlaceCharger))]
[JsonSerializable(typeof(SmartElek.Site.Commissioning.TopologyCommands.RemoveCharger))]
[JsonSerializable(typeof(SmartElek.Site.Commissioning.TopologyCommands.OpenPermitJoin))]
[JsonSerializable(typeof(SmartElek.Site.Commissioning.TopologyCommands.ClosePermitJoin))]
[JsonSerializable(typeof(SmartElek.Site.SiteProtocol.ChargerReport))]
[JsonSerializable(typeof(SmartElek.Site.SiteProtocol.CurrentGrant))]
internal sealed partial class ChargerWireJson : JsonSerializerContext;
