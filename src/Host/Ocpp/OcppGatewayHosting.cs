using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using SmartElek.Actors.Charger;
using SmartElek.Actors.Persistence;
using SmartElek.Charger.Settings;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.SmartCharging;
using SmartElek.Host.Chargers;
using SmartElek.Host.Configuration;
using SmartElek.Host.Storage;

namespace SmartElek.Host.Ocpp;

public static class OcppGatewayHosting
{
    /// <summary>The actor name of a charger's charge point.</summary>
    public static string ActorName(ChargerId id) => "ocpp-" + id.Value;

    /// <summary>The SQLite file of the charge points inside <c>Storage:DataFolder</c> (next to the journal's, not in it: its writes do not queue behind the journal's).</summary>
    public const string SqliteFile = "ocpp-gateway.db";

    /// <summary>
    /// With <c>Ocpp:Enabled</c>: one OCPP 1.6J charge point per local charger, connected to
    /// <c>CentralSystemUrl + id</c> with the AuthorizationKey from the environment variable the
    /// configuration names (never from a file), its offline queue, profiles, changed configuration
    /// and running transaction in the store the <c>Storage</c> section names (<see cref="OpenStore"/>).
    /// Must come after the charger units.
    /// </summary>
    public static AkkaConfigurationBuilder AddOcppGateway(this AkkaConfigurationBuilder akka, HostOptions options, SiteChargers chargers) =>
        akka.AddOcppGateway(options.Ocpp, chargers, options.Storage);

    /// <param name="storage">the Storage section; null: its defaults (SQLite in <c>data/</c>)</param>
    public static AkkaConfigurationBuilder AddOcppGateway(this AkkaConfigurationBuilder akka, OcppOptions options, SiteChargers chargers,
        StorageOptions? storage = null)
    {
        if (!options.Enabled) return akka;
        akka.AddHocon($"akka.coordinated-shutdown.phases.service-stop.timeout = {(int)(DrainWithin.TotalSeconds + 2)}s", HoconAddMode.Prepend);
        return akka.WithActors((system, _) =>
        {
            var started = new System.Collections.Concurrent.ConcurrentBag<IActorRef>();
            var key = AuthorizationKey(options);
            var baseUrl = new Uri(options.CentralSystemUrl);
            storage ??= new StorageOptions();
            var openStore = StoreOpener(options, storage);
            var configuration = ChargePointConfiguration.Default(meterSampleSeconds: options.MeterValueSampleSeconds);
            // Each charge point starts once its store has read its queue and memory (the database may be down at start).
            var starts = chargers.All.Select(charger => new ChargePointStarter.Start(charger.Id, (memory, remembered) =>
            {
                // A hard reset power-cycles the unit in place (ChargerProtocol.PowerCycle): the site
                // link, the console and the traffic keep the same reference and follow its power-up.
                var port = new ChargerUnitPort(charger.Unit, new ChargerUnitPortOptions(LocalIdTag: options.LocalIdTag));
                var link = new WebSocketLink(new OcppConnectionSettings(baseUrl, charger.Id.Value, key));
                var settings = new ChargePointSettings(charger.Id, SerialNumber: charger.Id.Value,
                    Supply: new ElectricalSupply((decimal)charger.Hardware.Grid.NominalVolts, 1, (decimal)ChargerUnit.RatedAmps),
                    Configuration: configuration);
                started.Add(system.ActorOf(ChargePointActor.Props(settings, port, link, memory, memory, remembered), ActorName(charger.Id)));
            })).ToList();
            system.ActorOf(ChargePointStarter.Props(openStore, starts), ChargePointStarter.Name);
            // After the units ended their sessions (service-requests-done), before the actors stop.
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceStop, "drain-charge-points",
                () => DrainAsync(system, [.. started]));
        });
    }

    /// <summary>How long a stopping controller waits for its charge points' transaction messages to be answered.</summary>
    public static readonly TimeSpan DrainWithin = TimeSpan.FromSeconds(10);

    // A StopTransaction the central system answered after the process ended would go out again at
    // the next start: each charge point gets a bounded wait for what it owes on an open connection.
    private static async Task<Done> DrainAsync(ActorSystem system, IReadOnlyList<IActorRef> chargePoints)
    {
        var answers = await Task.WhenAll(chargePoints.Select(async cp =>
        {
            try
            {
                return await cp.Ask<ChargePointProtocol.Drained>(new ChargePointProtocol.Drain(DrainWithin), DrainWithin + TimeSpan.FromSeconds(1));
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                return null;
            }
        }));
        var left = answers.Sum(a => a?.QueuedTransactionMessages ?? 0);
        system.Log.Info("OCPP: {0} of {1} charge point(s) drained; {2} transaction message(s) stay queued for the next start",
            answers.Count(a => a is not null), chargePoints.Count, left);
        return Done.Instance;
    }

    /// <summary>
    /// The SQLite file of the charge points: <c>Ocpp:DataFile</c> when set (an override, whatever the
    /// provider), else <see cref="SqliteFile"/> in <c>Storage:DataFolder</c> with Provider Sqlite;
    /// null with Provider PostgreSql (the charge points' tables go into that database). Pure.
    /// </summary>
    public static string? SqliteFileOf(OcppOptions ocpp, StorageOptions storage)
    {
        if (!string.IsNullOrWhiteSpace(ocpp.DataFile)) return Path.GetFullPath(ocpp.DataFile);
        var persistence = HostStorage.ToPersistenceOptions(storage);
        return persistence.Provider == PersistenceProvider.Sqlite
            ? Path.GetFullPath(Path.Combine(persistence.SqliteDataFolder, SqliteFile))
            : null;
    }

    /// <summary>
    /// Opens the charge points' store the configuration names (<see cref="SqliteFileOf"/>; on
    /// PostgreSQL the connection string from the environment variable <c>Storage:PostgreSqlConnectionVariable</c>
    /// names). An unusable Storage section throws <see cref="ConfigException"/> naming its keys.
    /// </summary>
    public static ChargePointStore OpenStore(OcppOptions ocpp, StorageOptions storage, Func<string, string?>? environment = null) =>
        StoreOpener(ocpp, storage, environment)();

    /// <summary>
    /// What opens the store: the configuration is checked now (<see cref="ConfigException"/> naming
    /// its keys), the database is reached only when it is called (it throws <see cref="ChargePointStoreException"/>
    /// while the database does not answer).
    /// </summary>
    public static Func<ChargePointStore> StoreOpener(OcppOptions ocpp, StorageOptions storage, Func<string, string?>? environment = null)
    {
        if (SqliteFileOf(ocpp, storage) is { } file) return () => ChargePointStore.Sqlite(file);
        string[] storeKeys = ["Storage", "Storage:Provider", "Storage:PostgreSqlConnectionVariable"];
        var errors = HostStorage.Errors(storage, "host.json", environment).Where(e => storeKeys.Contains(e.Key)).ToList();
        if (errors.Count > 0) throw new ConfigException(errors);
        var connectionString = HostStorage.ToPersistenceOptions(storage).ConnectionString(environment);
        return () => ChargePointStore.PostgreSql(connectionString);
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
