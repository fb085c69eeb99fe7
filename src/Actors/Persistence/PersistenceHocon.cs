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

    /// <summary>The read journal id, for <c>PersistenceQuery.Get(system).ReadJournalFor&lt;SqlReadJournal&gt;(...)</c>.</summary>
    public const string ReadJournalPluginId = "akka.persistence.query.journal.sql";

    /// <summary>linq2db provider names (design.md section 4).</summary>
    public const string SqliteProviderName = "SQLite.MS";
    public const string PostgreSqlProviderName = "PostgreSQL.15";

    /// <summary>The HOCON text alone (no fallback), e.g. to log it with the connection string hidden.</summary>
    public static string Text(PersistenceOptions options, Func<string, string?>? environment = null) =>
        Render(options.ConnectionString(environment), ProviderName(options.Provider));

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

    private static string Render(string connectionString, string providerName)
    {
        var connection = Quote(connectionString);
        var provider = Quote(providerName);
        // table-mapping default: auto-initialize creates the tables journal, snapshot and tags.
        return $$"""
            akka.persistence {
              journal {
                plugin = "{{JournalPluginId}}"
                sql {
                  class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  table-mapping = default
                  auto-initialize = on
                  tag-write-mode = TagTable
                }
              }
              snapshot-store {
                plugin = "{{SnapshotPluginId}}"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  table-mapping = default
                  auto-initialize = on
                }
              }
              query.journal.sql {
                class = "Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql"
                write-plugin = "{{JournalPluginId}}"
                connection-string = {{connection}}
                provider-name = {{provider}}
                table-mapping = default
                tag-read-mode = TagTable
              }
            }
            """;
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
