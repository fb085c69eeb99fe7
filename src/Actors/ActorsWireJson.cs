using System.Text.Json.Serialization;

[assembly: SmartElek.WireJsonContext(typeof(SmartElek.Actors.ActorsWireJson))]

namespace SmartElek.Actors;

/// <summary>The JSON metadata of the Actors assembly's wire messages (one line per type).</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(Charger.ChargerProtocol.OfferCurrent))]
[JsonSerializable(typeof(Site.SiteAllocatorProtocol.GetLedger))]
[JsonSerializable(typeof(Site.SiteAllocatorProtocol.LedgerState))]
internal sealed partial class ActorsWireJson : JsonSerializerContext;
