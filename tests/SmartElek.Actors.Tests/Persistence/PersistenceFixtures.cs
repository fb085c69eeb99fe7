using Akka.Configuration;
using SmartElek.Actors.Persistence;
using SmartElek.Actors.Serialization;

namespace SmartElek.Actors.Tests.Persistence;

/// <summary>
/// One database a test persists into: its options, the environment they read (a PostgreSQL
/// connection string comes from an environment variable, here a fake one) and the Akka config.
/// </summary>
public sealed record TestDatabase(PersistenceOptions Options, IReadOnlyDictionary<string, string> Variables)
{
    public string? Environment(string name) => Variables.GetValueOrDefault(name);

    /// <summary>Persistence plus wire serialization, with a dilated test time factor for 2 shared cores.</summary>
    public Config Config(string? extraHocon = null) =>
        ConfigurationFactory.ParseString(extraHocon ?? "")
            .WithFallback(ConfigurationFactory.ParseString("akka.test.timefactor = 3\nakka.loglevel = WARNING"))
            .WithFallback(WireSerialization.Config)
            .WithFallback(PersistenceHocon.For(Options, Environment));

    public string ConnectionString => Options.ConnectionString(Environment);

    public static TestDatabase Sqlite(string folder, string file = "journal.db")
    {
        var options = new PersistenceOptions { Provider = PersistenceProvider.Sqlite, SqliteDataFolder = folder, SqliteFile = file };
        var database = new TestDatabase(options, new Dictionary<string, string>());
        PersistenceStore.Prepare(options, database.Environment);
        return database;
    }

    public static TestDatabase PostgreSql(string connectionString)
    {
        const string variable = "SMARTELEK_TEST_POSTGRESQL";
        var options = new PersistenceOptions { Provider = PersistenceProvider.PostgreSql, PostgreSqlConnectionStringVariable = variable };
        return new TestDatabase(options, new Dictionary<string, string> { [variable] = connectionString });
    }
}

/// <summary>A real SQLite file in its own temp folder, deleted after the test (use one per test).</summary>
public sealed class TempSqliteDatabase : IDisposable
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "smartelek-sqlite-" + Guid.NewGuid().ToString("N")[..12]);

    public TestDatabase Database { get; }

    public TempSqliteDatabase()
    {
        // A sub-folder that does not exist yet: PersistenceStore.Prepare must create it.
        Database = TestDatabase.Sqlite(Path.Combine(Folder, "data"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Still open in a system that is shutting down; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>
/// A real PostgreSQL server for a test class or collection (see <see cref="ThrowawayPostgreSql"/>).
/// Share it through <see cref="PostgreSqlCollection"/>; each test takes a fresh database with
/// <see cref="NewDatabaseAsync"/>. A test that stops the server takes its own with <c>IClassFixture</c>.
/// </summary>
public sealed class PostgreSqlFixture : IAsyncLifetime
{
    private ThrowawayPostgreSql? server;

    public ThrowawayPostgreSql Server => server ?? throw new InvalidOperationException("The PostgreSQL fixture has not started.");

    public async Task InitializeAsync() => server = await ThrowawayPostgreSql.StartAsync();

    public async Task<TestDatabase> NewDatabaseAsync(string prefix = "test") =>
        TestDatabase.PostgreSql(await Server.CreateDatabaseAsync(prefix));

    public async Task DisposeAsync()
    {
        if (server is not null) await server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgreSqlCollection : ICollectionFixture<PostgreSqlFixture>
{
    public const string Name = "PostgreSQL server";
}
