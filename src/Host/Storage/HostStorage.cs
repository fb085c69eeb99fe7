using Akka.Hosting;
using SmartElek.Actors.Charger;
using SmartElek.Actors.Persistence;
using SmartElek.Actors.ReadSide;
using SmartElek.Actors.Serialization;
using SmartElek.Host.Configuration;

namespace SmartElek.Host.Storage;

/// <summary>
/// The Host's database: the <c>Storage</c> section of host.json mapped to <see cref="PersistenceOptions"/>,
/// its validation (errors name the Storage key, never the connection string), the Akka persistence
/// config, the charger journal settings and the read-side projectors.
/// </summary>
public static class HostStorage
{
    /// <summary>The SQLite file inside <see cref="StorageOptions.DataFolder"/>.</summary>
    public const string SqliteFile = "smartelek.db";

    public static PersistenceProvider ProviderOf(StorageOptions storage) =>
        storage.Provider == "PostgreSql" ? PersistenceProvider.PostgreSql : PersistenceProvider.Sqlite;

    public static PersistenceOptions ToPersistenceOptions(StorageOptions storage) => new()
    {
        Provider = ProviderOf(storage),
        SqliteDataFolder = storage.DataFolder,
        SqliteFile = SqliteFile,
        PostgreSqlConnectionStringVariable = storage.PostgreSqlConnectionVariable,
    };

    /// <summary>
    /// The unit's journal: durable register readings every <see cref="StorageOptions.DurableReadingSeconds"/>.
    /// With the database down at power-up a unit charges provisionally after the default wait, except
    /// under OCPP (<paramref name="ocppEnabled"/>): the central system bills from the register, which jumps
    /// by the recovered value when the journal returns, so there a unit waits for its journal.
    /// </summary>
    public static ChargerJournalSettings Journal(StorageOptions storage, bool ocppEnabled = false) =>
        new()
        {
            DurableReadingInterval = TimeSpan.FromSeconds(storage.DurableReadingSeconds),
            RecoveryWait = ocppEnabled ? null : new ChargerJournalSettings().RecoveryWait,
        };

    /// <summary>
    /// The read tables of this configuration. A reading's growth is spread over at most two durable-reading
    /// intervals before it: a longer gap between readings is idle time (see <see cref="EnergyDays.Read"/>).
    /// </summary>
    /// <param name="siteZone">The days the store's queries take and return (<see cref="SiteTime.ZoneOf"/>); null: UTC.</param>
    /// <param name="pricing">What the projectors price sessions with (null: no session costs).</param>
    public static ReadStore ReadStoreOf(StorageOptions storage, Func<string, string?>? environment = null, NodaTime.DateTimeZone? siteZone = null,
        SessionPricing? pricing = null) =>
        new(ToPersistenceOptions(storage), environment, TimeSpan.FromSeconds(2 * storage.DurableReadingSeconds), siteZone, pricing);

    /// <summary>Every problem with the Storage section, each naming its key.</summary>
    public static IEnumerable<ConfigError> Errors(StorageOptions storage, string file, Func<string, string?>? environment = null)
    {
        ConfigError Err(string key, string reason) => new(file, key, reason);

        if (storage.Provider is not ("Sqlite" or "PostgreSql"))
        {
            yield return Err("Storage:Provider", $"'{storage.Provider}' is not one of Sqlite, PostgreSql");
        }
        else
        {
            // PersistenceOptions knows what a usable folder, variable and connection string are; its
            // messages name its HOCON keys, here they are told in host.json's.
            var keys = new (string Hocon, string Json)[]
            {
                (PersistenceOptions.SqliteDataFolderKey, "Storage:DataFolder"),
                (PersistenceOptions.SqliteFileKey, "Storage:DataFolder"),
                (PersistenceOptions.PostgreSqlVariableKey, "Storage:PostgreSqlConnectionVariable"),
                (PersistenceOptions.ProviderKey, "Storage:Provider"),
            };
            foreach (var error in ToPersistenceOptions(storage).Errors(environment))
            {
                var (hocon, json) = keys.FirstOrDefault(k => error.StartsWith(k.Hocon + ":", StringComparison.Ordinal));
                var reason = hocon is null ? error : error[(hocon.Length + 1)..].Trim();
                foreach (var (h, j) in keys) reason = reason.Replace(h, j, StringComparison.Ordinal);
                yield return Err(json ?? "Storage", reason);
            }
        }
        if (!(storage.DurableReadingSeconds > 0 && storage.DurableReadingSeconds <= 3600))
            yield return Err("Storage:DurableReadingSeconds", $"{storage.DurableReadingSeconds} must lie in (0, 3600]");
        if (!(storage.TariffPerKwh >= 0 && double.IsFinite(storage.TariffPerKwh)))
            yield return Err("Storage:TariffPerKwh", $"{storage.TariffPerKwh} must be a price of 0 or more per kWh");
    }

    /// <summary>
    /// Wire serialization plus journal, snapshot store and read journal for this configuration: what any
    /// ActorSystem that runs charger units (or projectors) needs, e.g. a unit's own local system.
    /// </summary>
    public static Akka.Configuration.Config AkkaConfig(StorageOptions storage) =>
        WireSerialization.Config.WithFallback(PersistenceHocon.For(ToPersistenceOptions(storage)));

    /// <summary>
    /// Creates the data folder, the SQLite file and the read tables before the site starts, once and
    /// without blocking a thread; null (and the reason, naming Storage:DataFolder, on <paramref name="error"/>)
    /// when they cannot be created. PostgreSQL: one connection attempt. A server that refuses this site
    /// (no such database, bad credentials) is a configuration error: null, naming
    /// Storage:PostgreSqlConnectionVariable. A server that does not answer is waited for: prepared as
    /// <see cref="StorageReach.Unreachable"/>, after telling the operator on <paramref name="error"/> what
    /// the chargers do meanwhile (<see cref="UnreachableAtStart"/>), which depends on <paramref name="ocppEnabled"/>;
    /// its read tables are then created by the projectors when it answers.
    /// </summary>
    public static async Task<PreparedStorage?> PrepareAsync(StorageOptions storage, bool ocppEnabled, string hostJsonFile, TextWriter error,
        Func<string, string?>? environment = null, CancellationToken cancel = default)
    {
        var options = ToPersistenceOptions(storage);
        if (options.Provider != PersistenceProvider.Sqlite)
        {
            var probe = await StorageProbe.ProbeAsync(options, environment, cancel);
            switch (probe.Reach)
            {
                case StorageReach.Refused:
                    await error.WriteLineAsync($"Bad configuration:\n  {new ConfigError(hostJsonFile, "Storage:PostgreSqlConnectionVariable",
                        $"PostgreSQL at {probe.Where} (from '{storage.PostgreSqlConnectionVariable}') refuses this site: {probe.Reason}")}");
                    return null;
                case StorageReach.Unreachable:
                    await error.WriteLineAsync(UnreachableAtStart(probe, Journal(storage, ocppEnabled)));
                    return new PreparedStorage(StorageReach.Unreachable);
                default:
                    await ReadStoreOf(storage, environment).EnsureSchemaAsync(cancel);
                    return new PreparedStorage(StorageReach.Answers);
            }
        }
        try
        {
            await PersistenceStore.PrepareAsync(options, environment, cancel);
            await new ReadStore(options, environment).EnsureSchemaAsync(cancel);
            return new PreparedStorage(StorageReach.Answers);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            await error.WriteLineAsync($"Bad configuration:\n  {new ConfigError(hostJsonFile, "Storage:DataFolder", $"cannot create the SQLite database {options.SqliteFilePath}: {e.Message}")}");
            return null;
        }
    }

    /// <summary>
    /// What the operator is told when the site starts with its PostgreSQL database down: what its charger
    /// units, with the <paramref name="journal"/> settings of this configuration (<see cref="Journal"/>), do
    /// until the database answers. Waiting for the journal (<see cref="ChargerJournalSettings.RecoveryWait"/>
    /// null) is the OCPP configuration's; otherwise a unit charges provisionally past its wait.
    /// </summary>
    public static string UnreachableAtStart(StorageProbeResult probe, ChargerJournalSettings journal) =>
        $"Storage: PostgreSQL at {probe.Where} does not answer ({probe.Reason}). The site starts anyway and waits for it. "
        + (journal.RecoveryWait is { } wait
            ? $"Each charger waits {wait.TotalSeconds:0.###} s for its journal, then charges provisionally: its register counts from 0 Wh "
              + "at this power-up, what it records is held in memory, and when the database answers that is written and the register "
              + "moves on from the recovered value (a process that dies before then loses what was held, never a stored reading). "
            : "OCPP is enabled (the central system bills from the register, which must not restart from 0 Wh): each charger keeps "
              + "its relays open and charges nothing until its journal has been read, then starts by itself. Nothing is lost meanwhile. ")
        + "Retrying with back-off (up to 30 s).";

    /// <summary>
    /// Puts the node on its database, prepared before (<see cref="PrepareAsync"/>, which created the
    /// SQLite file and the read tables and probed PostgreSQL once): wire serialization and the journal,
    /// snapshot store and read journal config; one read-side projector per projection, and on
    /// PostgreSQL the watch that starts from what the probe found.
    /// The options must have been validated (<see cref="HostConfiguration.Load"/> does).
    /// </summary>
    public static AkkaConfigurationBuilder AddChargerPersistence(this AkkaConfigurationBuilder builder, StorageOptions storage, PreparedStorage prepared)
    {
        var options = ToPersistenceOptions(storage);
        return builder
            .AddHocon(AkkaConfig(storage), HoconAddMode.Prepend)
            .WithActors((system, _, resolver) =>
            {
                // Session costs: the node's tariffs and the drivers' groups, as the Host registered them.
                var store = ReadStoreOf(storage, pricing: resolver.GetService<SessionPricing>());
                foreach (var projection in ReadSideProjection.All)
                    system.ActorOf(ReadSideProjector.Props(store, projection), "read-side-" + projection.Name);
                if (options.Provider == PersistenceProvider.PostgreSql)
                    system.ActorOf(StorageWatch.Props(options, prepared.Reach), "storage-watch");
            });
    }
}

/// <summary>What preparing the storage at start found: whether the database answered.</summary>
public sealed record PreparedStorage(StorageReach Reach);
