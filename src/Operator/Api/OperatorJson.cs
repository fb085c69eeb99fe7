using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartElek.Operator.Api;

/// <summary>The JSON metadata of every type the API reads or writes (System.Text.Json source generation).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(SiteDto))]
[JsonSerializable(typeof(CircuitsDto))]
[JsonSerializable(typeof(ChargerPageDto))]
[JsonSerializable(typeof(ChargerDetailDto))]
internal sealed partial class OperatorJson : JsonSerializerContext;
