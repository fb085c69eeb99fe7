using Akka.Actor;
using Akka.Hosting;
using SmartElek.Actors.Charger;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.SmartCharging;
using SmartElek.Host.Chargers;
using SmartElek.Host.Configuration;

namespace SmartElek.Host.Ocpp;

public static class OcppGatewayHosting
{
    /// <summary>The actor name of a charger's charge point.</summary>
    public static string ActorName(ChargerId id) => "ocpp-" + id.Value;

    /// <summary>
    /// With <c>Ocpp:Enabled</c>: one OCPP 1.6J charge point per local charger, connected to
    /// <c>CentralSystemUrl + id</c> with the AuthorizationKey from the environment variable the
    /// configuration names (never from a file), its offline queue, profiles and changed
    /// configuration in the SQLite file <c>Ocpp:DataFile</c>. Must come after the charger units.
    /// </summary>
    public static AkkaConfigurationBuilder AddOcppGateway(this AkkaConfigurationBuilder akka, OcppOptions options, SiteChargers chargers)
    {
        if (!options.Enabled) return akka;
        return akka.WithActors((system, _) =>
        {
            var key = AuthorizationKey(options);
            var baseUrl = new Uri(options.CentralSystemUrl);
            var store = ChargePointStore.Sqlite(options.DataFile);
            system.RegisterOnTermination(store.Dispose);
            var configuration = ChargePointConfiguration.Default(meterSampleSeconds: options.MeterValueSampleSeconds);
            foreach (var charger in chargers.All)
            {
                var port = new ChargerUnitPort(charger.Unit, new ChargerUnitPortOptions(LocalIdTag: options.LocalIdTag));
                var link = new WebSocketLink(new OcppConnectionSettings(baseUrl, charger.Id.Value, key));
                var memory = store.For(charger.Id);
                var settings = new ChargePointSettings(charger.Id, SerialNumber: charger.Id.Value,
                    Supply: new ElectricalSupply((decimal)charger.Hardware.Grid.NominalVolts, 1, (decimal)ChargerUnit.RatedAmps),
                    Configuration: configuration);
                system.ActorOf(ChargePointActor.Props(settings, port, link, memory, memory), ActorName(charger.Id));
            }
        });
    }

    private static string? AuthorizationKey(OcppOptions options)
    {
        if (string.IsNullOrEmpty(options.AuthorizationKeyVariable)) return null;
        var key = Environment.GetEnvironmentVariable(options.AuthorizationKeyVariable);
        return string.IsNullOrEmpty(key)
            ? throw new InvalidOperationException(
                $"Ocpp:AuthorizationKeyVariable names the environment variable {options.AuthorizationKeyVariable}, which is not set.")
            : key;
    }
}
