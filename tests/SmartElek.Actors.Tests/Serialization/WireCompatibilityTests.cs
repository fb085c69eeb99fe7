using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using SmartElek.Actors.Serialization;

namespace SmartElek.Actors.Tests.Serialization;

/// <summary>
/// What a journal (or a node of the previous release) wrote stays readable: <c>wire-v1.json</c> holds,
/// for every wire name, a payload as it was first written. Each must still be read as its type and
/// written back to the same bytes; a wire name without a recorded payload fails until one is added.
/// Changing the shape of a written type breaks this test on purpose: write a <c>v2</c> type instead.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class WireCompatibilityTests : IDisposable
{
    private readonly ActorSystem system = ActorSystem.Create("wire-compat", WireSerialization.Config);

    public void Dispose() => system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private static string RecordedFile([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "wire-v1.json");

    private static SortedDictionary<string, string> Recorded() =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(RecordedFile()))!, StringComparer.Ordinal);

    // The product's wire names; the tests' own (test.*) may change with the tests.
    private static IEnumerable<(string Manifest, Type Type)> ProductWireTypes()
    {
        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory, "SmartElek.*.dll"))
            System.Reflection.Assembly.LoadFrom(file);
        var catalog = WireCatalog.Refresh();
        return catalog.MessageTypes.Select(t => (catalog.ManifestOf(t), t)).Where(m => !m.Item1.StartsWith("test.", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_recorded_payload_is_read_as_its_type_and_written_back_to_the_same_bytes()
    {
        var recorded = Recorded();
        Assert.NotEmpty(recorded);
        var serializer = new WireSerializer((ExtendedActorSystem)system);
        foreach (var (manifest, json) in recorded)
        {
            var message = serializer.FromBinary(Encoding.UTF8.GetBytes(json), manifest);
            Assert.Equal(manifest, serializer.Manifest(message));
            Assert.Equal(json, Encoding.UTF8.GetString(serializer.ToBinary(message)));
        }
    }

    [Fact]
    public void Every_wire_name_has_a_recorded_payload()
    {
        var recorded = Recorded();
        var missing = ProductWireTypes().Where(m => !recorded.ContainsKey(m.Manifest)).OrderBy(m => m.Manifest, StringComparer.Ordinal).ToList();
        if (missing.Count == 0) return;
        // What to add, written by today's code from a fixed sample: check it, then add it to wire-v1.json.
        var serializer = new WireSerializer((ExtendedActorSystem)system);
        var lines = new JsonObject();
        foreach (var (manifest, type) in missing)
            lines[manifest] = Encoding.UTF8.GetString(serializer.ToBinary(WireSamples.Create(type, new Random(4500))));
        Assert.Fail($"{missing.Count} wire name(s) without a recorded payload in {RecordedFile()}; add:\n" +
                    lines.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }
}
