using Akka.Configuration;
using Akka.Persistence.Sql;

namespace SmartElek.Actors.Persistence;

/// <summary>
/// The Akka.Persistence.Sql HOCON (journal, snapshot store, read journal) for validated
/// <see cref="PersistenceOptions"/>. Written by hand because we do not use the Hosting package:
/// the plugin class lines are given and the plugin's defaults are the fallback.
/// </summary>
public static class PersistenceHocon
{
    public const string JournalPluginId = "akka.persistence.journal.sql";
    public const string SnapshotPluginId = "akka.persistence.snapshot-store.sql";

    /// <summary>Akka.Persistence.Sql's journal with a direct replay (<see cref="SqlJournal"/>).</summary>
    public static readonly string JournalClass = ClassName(typeof(SqlJournal));

    /// <summary>Akka.Persistence.Sql's snapshot store with a direct load of the latest snapshot (<see cref="SqlSnapshots"/>).</summary>
    public static readonly string SnapshotStoreClass = ClassName(typeof(SqlSnapshots));

    private static string ClassName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    /// <summary>The read journal id, for <c>PersistenceQuery.Get(system).ReadJournalFor&lt;SqlReadJournal&gt;(...)</c>.</summary>
    public const string ReadJournalPluginId = "akka.persistence.query.journal.sql";

    /// <summary>linq2db provider names (docs/akka.md, "Persistence HOCON").</summary>
    public const string SqliteProviderName = "SQLite.MS";
    public const string PostgreSqlProviderName = "PostgreSQL.15";

    /// <summary>The HOCON text alone (no fallback), e.g. to log it with the connection string hidden.</summary>
    public static string Text(PersistenceOptions options, Func<string, string?>? environment = null) =>
        Render(options.ConnectionString(environment), ProviderName(options.Provider), options.Provider == PersistenceProvider.Sqlite);

    /// <summary>The persistence config, with the plugin's own defaults as fallback.</summary>
    public static Config For(PersistenceOptions options, Func<string, string?>? environment = null) =>
        ConfigurationFactory.ParseString(Text(options, environment))
            .WithFallback(SqlPersistence.DefaultConfiguration);

    public static string ProviderName(PersistenceProvider provider) => provider switch
    {
        PersistenceProvider.Sqlite => SqliteProviderName,
        PersistenceProvider.PostgreSql => PostgreSqlProviderName,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown persistence provider."),
    };

    private static string Render(string connectionString, string providerName, bool sqlite)
    {
        var connection = Quote(connectionString);
        var provider = Quote(providerName);
        // SQLite: Microsoft.Data.Sqlite begins a transaction of unspecified isolation with BEGIN
        // IMMEDIATE, which takes the write lock, so every recovery read would queue behind the
        // writers (and behind each other, with busy retries): 1,000 recoveries took 14 s instead of 6.
        // read-uncommitted begins a deferred transaction; without a shared cache (ours) SQLite still
        // reads only committed rows, and in WAL mode readers never block the writer.
        // One write stream: SQLite has one writer, parallel streams only wait on its lock.
        var reads = sqlite ? "read-isolation-level = read-uncommitted" : "";
        var writes = sqlite ? "parallelism = 1" : "";
        // table-mapping default: auto-initialize creates the tables journal, snapshot and tags.
        return $$"""
            akka.persistence {
              journal {
                plugin = "{{JournalPluginId}}"
                sql {
                  class = "{{JournalClass}}"
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  table-mapping = default
                  auto-initialize = on
                  tag-write-mode = TagTable
                  {{reads}}
                  {{writes}}
                }
              }
              snapshot-store {
                plugin = "{{SnapshotPluginId}}"
                sql {
                  class = "{{SnapshotStoreClass}}"
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  table-mapping = default
                  auto-initialize = on
                  {{reads}}
                }
              }
              query.journal.sql {
                class = "Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql"
                write-plugin = "{{JournalPluginId}}"
                connection-string = {{connection}}
                provider-name = {{provider}}
                table-mapping = default
                tag-read-mode = TagTable
                {{reads}}
              }
            }
            """;
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
