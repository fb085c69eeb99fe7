using Akka.Configuration;

namespace SmartElek.Actors.Serialization;

/// <summary>
/// The HOCON that binds <see cref="IWireMessage"/> to <see cref="WireSerializer"/> and refuses to
/// serialize anything unbound (Akka would otherwise fall back to Newtonsoft JSON with type names).
/// </summary>
public static class WireSerialization
{
    public const string SerializerName = "smartelek-wire";

    public static readonly string Hocon = $$"""
        akka.actor {
          serializers {
            {{SerializerName}} = "{{typeof(WireSerializer).FullName}}, {{typeof(WireSerializer).Assembly.GetName().Name}}"
          }
          serialization-bindings {
            "{{typeof(IWireMessage).FullName}}, {{typeof(IWireMessage).Assembly.GetName().Name}}" = {{SerializerName}}
          }
          serialization-identifiers {
            "{{typeof(WireSerializer).FullName}}, {{typeof(WireSerializer).Assembly.GetName().Name}}" = {{WireSerializer.Id}}
          }
          serialization-settings.allow-unregistered-types = false
        }
        """;

    public static Config Config => ConfigurationFactory.ParseString(Hocon);
}
