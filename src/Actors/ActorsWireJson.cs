using System.Text.Json.Serialization;

[assembly: SmartElek.WireJsonContext(typeof(SmartElek.Actors.ActorsWireJson))]

namespace SmartElek.Actors;

/// <summary>The JSON metadata of the Actors assembly's wire messages (one line per type).</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(Charger.ChargerProtocol.GrantAmps))]
[JsonSerializable(typeof(Site.SiteAllocatorProtocol.GetLedger))]
[JsonSerializable(typeof(Site.SiteAllocatorProtocol.LedgerState))]
[JsonSerializable(typeof(Site.SiteTopologyProtocol.GetTopology))]
[JsonSerializable(typeof(Site.SiteTopologyProtocol.TopologyPublished))]
[JsonSerializable(typeof(Site.SiteTopologyProtocol.ChangeAnswer))]
[JsonSerializable(typeof(Site.SiteTopologyProtocol.Announce))]
internal sealed partial class ActorsWireJson : JsonSerializerContext;
