using Akka.Configuration;
using CsCheck;
using SmartElek.Actors.Persistence;

namespace SmartElek.Actors.Tests.Persistence;

[Trait("Speed", "Fast")]
public sealed class PersistenceOptionsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static string RepositoryFile(string relative)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "SmartElek.Site.sln"))) folder = folder.Parent;
        return Path.Combine(folder?.FullName ?? throw new InvalidOperationException("Repository root not found."), relative);
    }

    private static PersistenceOptions Load(string file) =>
        PersistenceOptions.FromConfig(ConfigurationFactory.ParseString(File.ReadAllText(RepositoryFile(file))));

    [Fact]
    public void The_committed_embedded_default_is_sqlite_under_the_data_folder()
    {
        var options = Load("config/persistence.conf");
        Assert.Equal(new PersistenceOptions { Provider = PersistenceProvider.Sqlite, SqliteDataFolder = "data", SqliteFile = "smartelek.db" }, options);
        Assert.Empty(options.Errors(NoEnvironment));
        var hocon = PersistenceHocon.For(options, NoEnvironment);
        Assert.Equal("SQLite.MS", hocon.GetString("akka.persistence.journal.sql.provider-name"));
        Assert.Equal($"Data Source={Path.GetFullPath("data/smartelek.db")};Mode=ReadWriteCreate", hocon.GetString("akka.persistence.journal.sql.connection-string"));
    }

    [Fact]
    public void The_committed_postgresql_config_reads_its_connection_string_from_the_environment_only()
    {
        var options = Load("config/persistence-postgresql.conf");
        Assert.Equal(PersistenceProvider.PostgreSql, options.Provider);
        var missing = Assert.Single(options.Errors(NoEnvironment));
        Assert.StartsWith(PersistenceOptions.PostgreSqlVariableKey + ":", missing);
        Assert.Contains("'SMARTELEK_POSTGRESQL' is not set", missing);

        const string connection = "Host=127.0.0.1;Port=5432;Database=site;Username=u;Password=p\"q";
        Func<string, string?> environment = name => name == "SMARTELEK_POSTGRESQL" ? connection : null;
        Assert.Empty(options.Errors(environment));
        var hocon = PersistenceHocon.For(options, environment);
        Assert.Equal("PostgreSQL.15", hocon.GetString("akka.persistence.snapshot-store.sql.provider-name"));
        Assert.Equal(connection, hocon.GetString("akka.persistence.query.journal.sql.connection-string"));
        // PostgreSQL keeps the plugin's defaults: parallel write streams, reads at the server's isolation.
        Assert.Equal("unspecified", hocon.GetString("akka.persistence.journal.sql.read-isolation-level"));
        Assert.Equal(3, hocon.GetInt("akka.persistence.journal.sql.parallelism"));
    }

    [Fact]
    public void Sqlite_reads_in_deferred_transactions_and_writes_through_one_stream()
    {
        var hocon = PersistenceHocon.For(new PersistenceOptions(), NoEnvironment);
        Assert.Equal("read-uncommitted", hocon.GetString("akka.persistence.journal.sql.read-isolation-level"));
        Assert.Equal("read-uncommitted", hocon.GetString("akka.persistence.snapshot-store.sql.read-isolation-level"));
        Assert.Equal("read-uncommitted", hocon.GetString("akka.persistence.query.journal.sql.read-isolation-level"));
        Assert.Equal(1, hocon.GetInt("akka.persistence.journal.sql.parallelism"));
    }

    [Fact]
    public void The_hocon_names_the_plugins_and_creates_the_tables()
    {
        var hocon = PersistenceHocon.For(new PersistenceOptions { SqliteDataFolder = "/var/lib/smartelek" }, NoEnvironment);
        Assert.Equal(PersistenceHocon.JournalPluginId, hocon.GetString("akka.persistence.journal.plugin"));
        Assert.Equal(PersistenceHocon.SnapshotPluginId, hocon.GetString("akka.persistence.snapshot-store.plugin"));
        Assert.Equal("SmartElek.Actors.Persistence.SqlJournal, SmartElek.Actors", hocon.GetString("akka.persistence.journal.sql.class"));
        Assert.Equal("SmartElek.Actors.Persistence.SqlSnapshots, SmartElek.Actors", hocon.GetString("akka.persistence.snapshot-store.sql.class"));
        Assert.Equal("Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql", hocon.GetString("akka.persistence.query.journal.sql.class"));
        Assert.True(hocon.GetBoolean("akka.persistence.journal.sql.auto-initialize"));
        Assert.True(hocon.GetBoolean("akka.persistence.snapshot-store.sql.auto-initialize"));
        Assert.Equal(PersistenceHocon.JournalPluginId, hocon.GetString("akka.persistence.query.journal.sql.write-plugin"));
        // The plugin's own defaults are the fallback, e.g. the batch size.
        Assert.Equal(100, hocon.GetInt("akka.persistence.journal.sql.batch-size"));
    }

    [Fact]
    public void An_unknown_provider_names_the_key_and_the_value()
    {
        var error = Assert.Throws<PersistenceConfigurationException>(() =>
            PersistenceOptions.FromConfig(ConfigurationFactory.ParseString("smartelek.persistence.provider = oracle")));
        Assert.Equal($"{PersistenceOptions.ProviderKey}: 'oracle' is not a provider; use 'sqlite' or 'postgresql'.", Assert.Single(error.Errors));
    }

    [Fact]
    public void Every_bad_sqlite_key_is_named_at_once()
    {
        var options = new PersistenceOptions { SqliteDataFolder = " ", SqliteFile = "sub/file.db" };
        var error = Assert.Throws<PersistenceConfigurationException>(() => options.Validate(NoEnvironment));
        Assert.Collection(error.Errors,
            e => Assert.StartsWith(PersistenceOptions.SqliteDataFolderKey + ":", e),
            e => Assert.StartsWith(PersistenceOptions.SqliteFileKey + ":", e));
        Assert.Contains(PersistenceOptions.SqliteFileKey, error.Message);
        Assert.Throws<PersistenceConfigurationException>(() => PersistenceHocon.For(options, NoEnvironment));
    }

    [Fact]
    public void A_bad_connection_string_is_reported_without_its_password()
    {
        var options = new PersistenceOptions { Provider = PersistenceProvider.PostgreSql, PostgreSqlConnectionStringVariable = "PG" };
        var errors = options.Errors(_ => "Host=db;Database=x;Password=secret-7;Bogus Keyword=1");
        var error = Assert.Single(errors);
        Assert.StartsWith(PersistenceOptions.PostgreSqlVariableKey + ":", error);
        Assert.DoesNotContain("secret-7", error);
        Assert.Single(options.Errors(_ => "Host=db;Password=secret-7"), e => e.Contains("names no Database") && !e.Contains("secret-7"));
        Assert.Single(new PersistenceOptions { Provider = PersistenceProvider.PostgreSql, PostgreSqlConnectionStringVariable = "not a name" }.Errors(NoEnvironment),
            e => e.StartsWith(PersistenceOptions.PostgreSqlVariableKey + ": 'not a name'", StringComparison.Ordinal));
    }

    [Fact]
    public void Any_plain_file_name_is_accepted_and_any_name_with_a_separator_is_refused()
    {
        var plain = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_"], 1, 20].Select(s => s + ".db");
        plain.Sample(name =>
        {
            var options = new PersistenceOptions { SqliteFile = name };
            Assert.Empty(options.Errors(NoEnvironment));
            Assert.EndsWith(Path.DirectorySeparatorChar + name, options.SqliteFilePath);
        }, iter: 200);
        Gen.Select(plain, plain).Sample((folder, name) =>
        {
            var error = Assert.Single(new PersistenceOptions { SqliteFile = folder + "/" + name }.Errors(NoEnvironment));
            Assert.StartsWith(PersistenceOptions.SqliteFileKey + ":", error);
        }, iter: 200);
    }
}
