using Akka.Actor;
using Akka.Serialization;

namespace SmartElek.Actors.Serialization;

/// <summary>
/// The one serializer of every <see cref="IWireMessage"/>: System.Text.Json with source-generated
/// metadata, the manifest being the type's <see cref="WireNameAttribute"/>, so the journal holds
/// no .NET type names and a renamed class still reads old events.
/// </summary>
public sealed class WireSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Serializer id stored beside each event; 0–100 belong to Akka. Never change it.</summary>
    public const int Id = 4500;

    public override int Identifier => Id;

    public override string Manifest(object o) => CatalogFor(o.GetType()).ManifestOf(o.GetType());

    public override byte[] ToBinary(object obj) => CatalogFor(obj.GetType()).Write(obj);

    public override object FromBinary(byte[] bytes, string manifest) => CatalogFor(manifest).Read(bytes, manifest);

    // An assembly loaded after the catalog was built (a plug-in) is picked up once, on first use.
    private static WireCatalog CatalogFor(Type type)
    {
        var catalog = WireCatalog.Current;
        return catalog.Knows(type) ? catalog : WireCatalog.RefreshIfAssembliesLoaded();
    }

    private static WireCatalog CatalogFor(string manifest)
    {
        var catalog = WireCatalog.Current;
        return catalog.Knows(manifest) ? catalog : WireCatalog.RefreshIfAssembliesLoaded();
    }
}
