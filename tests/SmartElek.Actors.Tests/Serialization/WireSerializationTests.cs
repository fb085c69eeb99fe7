using System.Reflection;
using System.Reflection.Emit;
using Akka.Actor;
using Akka.Serialization;
using CsCheck;
using SmartElek.Actors.Serialization;

namespace SmartElek.Actors.Tests.Serialization;

[Trait("Speed", "Fast")]
public sealed class WireSerializationTests : IDisposable
{
    private readonly ActorSystem system = ActorSystem.Create("wire", WireSerialization.Config);

    public void Dispose() => system.Terminate().Wait(TimeSpan.FromSeconds(10));

    /// <summary>Every SmartElek assembly next to the tests, loaded, so the catalog sees all of them.</summary>
    private static WireCatalog CatalogOfEverySmartElekAssembly()
    {
        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory, "SmartElek.*.dll"))
            Assembly.LoadFrom(file);
        return WireCatalog.Refresh();
    }

    [Fact]
    public void Every_wire_message_type_has_a_wire_name_and_json_metadata()
    {
        var catalog = CatalogOfEverySmartElekAssembly();
        Assert.True(catalog.Problems.Count == 0, string.Join(Environment.NewLine, catalog.Problems));
        Assert.Contains(typeof(Persistence.LedgerCredited), catalog.MessageTypes);
        Assert.Contains(catalog.Assemblies, a => a.GetName().Name == "SmartElek.Charger");
    }

    [Fact]
    public void Every_wire_message_type_round_trips_through_the_akka_serializer()
    {
        var catalog = CatalogOfEverySmartElekAssembly();
        var serialization = system.Serialization;
        Assert.NotEmpty(catalog.MessageTypes);
        foreach (var type in catalog.MessageTypes)
        {
            Gen.Int.Sample(seed =>
            {
                var random = new Random(seed);
                var message = WireSamples.Create(type, random);
                var serializer = Assert.IsType<WireSerializer>(serialization.FindSerializerFor(message));
                var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
                Assert.Equal(type.GetCustomAttribute<WireNameAttribute>()!.Name, manifest);
                var bytes = serializer.ToBinary(message);
                var back = serialization.Deserialize(bytes, serializer.Identifier, manifest);
                Assert.IsType(type, back);
                Assert.Equal(bytes, serializer.ToBinary(back));
                // Records compare by value: where two samples from one seed are equal, so must the copy be.
                if (WireSamples.Create(type, new Random(seed)).Equals(message)) Assert.Equal(message, back);
            }, iter: 50);
        }
    }

    [Fact]
    public void Journal_payload_is_json_without_dotnet_type_names()
    {
        var message = new Persistence.LedgerCredited(new ChargerId("c-7"), 1234, new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var json = System.Text.Encoding.UTF8.GetString(system.Serialization.FindSerializerFor(message).ToBinary(message));
        Assert.Equal("""{"Charger":"c-7","Amount":1234,"At":"2026-11-24T12:00:00+00:00"}""", json);
    }

    [Fact]
    public void An_unknown_manifest_is_a_clear_error_naming_it()
    {
        var error = Assert.Throws<WireFormatException>(() =>
            system.Serialization.Deserialize("{}"u8.ToArray(), WireSerializer.Id, "session.unheard-of.v9"));
        Assert.Contains("'session.unheard-of.v9'", error.Message);
    }

    [Fact]
    public void Bad_json_for_a_known_manifest_is_a_clear_error_naming_the_manifest()
    {
        var error = Assert.Throws<WireFormatException>(() =>
            system.Serialization.Deserialize("""{"Charger":5}"""u8.ToArray(), WireSerializer.Id, "test.ledger.credited.v1"));
        Assert.Contains("test.ledger.credited.v1", error.Message);
    }

    [Fact]
    public void A_type_that_is_not_a_wire_message_has_no_serializer()
    {
        // allow-unregistered-types = false: no silent fallback to Newtonsoft JSON.
        var error = Assert.ThrowsAny<Exception>(() => system.Serialization.FindSerializerFor(new NotOnTheWire(1)));
        Assert.Contains(nameof(NotOnTheWire), error.Message);
    }

    [Fact]
    public void Missing_wire_name_missing_metadata_and_a_shared_name_are_each_reported()
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("SmartElek.WireProblems"), AssemblyBuilderAccess.Run);
        var module = assembly.DefineDynamicModule("SmartElek.WireProblems");
        Type Define(string name, string? wireName)
        {
            var type = module.DefineType(name, TypeAttributes.Public | TypeAttributes.Sealed, typeof(object), [typeof(IWireMessage)]);
            if (wireName is not null)
                type.SetCustomAttribute(new CustomAttributeBuilder(typeof(WireNameAttribute).GetConstructor([typeof(string)])!, [wireName]));
            type.DefineDefaultConstructor(MethodAttributes.Public);
            return type.CreateType();
        }
        var nameless = Define("Nameless", null);
        var badName = Define("BadName", "NotLowerCase");
        var noMetadata = Define("NoMetadata", "problem.no-metadata.v1");
        var clash = Define("Clash", "test.ledger.credited.v1");

        var catalog = WireCatalog.Build([assembly, typeof(Persistence.LedgerCredited).Assembly]);

        Assert.Contains(catalog.Problems, p => p.StartsWith("Nameless ", StringComparison.Ordinal) && p.Contains("without [WireName", StringComparison.Ordinal));
        Assert.Contains(catalog.Problems, p => p.StartsWith("BadName ", StringComparison.Ordinal) && p.Contains("'NotLowerCase'", StringComparison.Ordinal));
        Assert.Contains(catalog.Problems, p => p.StartsWith("NoMetadata ", StringComparison.Ordinal) && p.Contains("JsonSerializable(typeof(NoMetadata))", StringComparison.Ordinal));
        Assert.Contains(catalog.Problems, p => p.Contains("Clash", StringComparison.Ordinal) && p.Contains("share the wire name 'test.ledger.credited.v1'", StringComparison.Ordinal));
        // The shared name is a problem of both types that carry it.
        Assert.Equal(5, catalog.Problems.Count);
        Assert.False(catalog.Knows(typeof(Persistence.LedgerCredited)));
        // Using a type with a problem says what the problem is; the ambiguous name is not readable at all.
        var error = Assert.Throws<WireFormatException>(() => catalog.ManifestOf(nameless));
        Assert.Contains("without [WireName", error.Message);
        Assert.Throws<WireFormatException>(() => catalog.TypeOf("test.ledger.credited.v1"));
        Assert.Throws<WireFormatException>(() => catalog.Write(Activator.CreateInstance(noMetadata)!));
        Assert.Equal("test.ledger.snapshot.v1", catalog.ManifestOf(typeof(Persistence.LedgerSnapshot)));
        Assert.False(catalog.Knows(badName));
        Assert.False(catalog.Knows(clash));
    }

    private sealed record NotOnTheWire(int Value);
}
