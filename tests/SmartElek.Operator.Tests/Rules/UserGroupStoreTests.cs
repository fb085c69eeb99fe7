using Microsoft.Data.Sqlite;
using Npgsql;
using SmartElek.Actors.Persistence;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Tests.Rules;

/// <summary>
/// Users' driver group in the site's database: a database made before the group existed (the
/// users table without its column) is migrated at start, keeps every user readable without a group,
/// and then keeps a group; a second start (or a second node) migrates nothing twice.
/// </summary>
public sealed class UserGroupStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("smartelek-user-groups-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
    }

    // The users table as issue 11 made it, with one driver.
    private const string OldTable =
        "CREATE TABLE op_users (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, password_hash TEXT NULL, id_tag TEXT NULL, created_at BIGINT NOT NULL)";
    private const string OldDriver =
        "INSERT INTO op_users (id, name, role, password_hash, id_tag, created_at) VALUES ('u1', 'dan', 'driver', NULL, 'RFID-1', 1764900000000)";

    private static async Task MigratedStoreKeepsUsersAndGroups(UserStore store)
    {
        await store.EnsureSchemaAsync();
        // Twice, as a restart or a second node does.
        await store.EnsureSchemaAsync();
        var dan = Assert.Single(await store.ListUsersAsync());
        Assert.Equal(("dan", "driver", "RFID-1", (string?)null), (dan.Name, dan.Role, dan.IdTag, dan.Group));

        Assert.True(await store.UpdateUserAsync(dan with { Group = "residents" }));
        Assert.Equal("residents", (await store.FindByIdAsync("u1"))!.Group);
        var guest = await store.CreateUserAsync("gus", Roles.Driver, null, null, DateTimeOffset.UtcNow, group: "guests");
        Assert.Equal("guests", (await store.FindByNameAsync("gus"))!.Group);
        Assert.Equal("guests,residents", string.Join(",", (await store.ListUsersAsync()).Select(u => u.Group).Order()));
        Assert.True(await store.UpdateUserAsync(guest! with { Group = null }));
        Assert.Null((await store.FindByNameAsync("gus"))!.Group);
    }

    [Fact]
    public async Task An_sqlite_database_from_before_groups_is_migrated_and_keeps_its_users()
    {
        var options = new PersistenceOptions { SqliteDataFolder = _folder };
        await using (var c = new SqliteConnection($"Data Source={options.SqliteFilePath}"))
        {
            await c.OpenAsync();
            foreach (var sql in new[] { OldTable, OldDriver })
            {
                await using var command = new SqliteCommand(sql, c);
                await command.ExecuteNonQueryAsync();
            }
        }
        await MigratedStoreKeepsUsersAndGroups(new UserStore(options));
    }

    [Fact]
    public async Task A_postgresql_database_from_before_groups_is_migrated_and_keeps_its_users()
    {
        await using var server = await ThrowawayPostgreSql.StartAsync();
        var connection = await server.CreateDatabaseAsync("groups");
        await using (var c = new NpgsqlConnection(connection))
        {
            await c.OpenAsync();
            foreach (var sql in new[] { OldTable, OldDriver })
            {
                await using var command = new NpgsqlCommand(sql, c);
                await command.ExecuteNonQueryAsync();
            }
        }
        var options = new PersistenceOptions { Provider = PersistenceProvider.PostgreSql };
        await MigratedStoreKeepsUsersAndGroups(new UserStore(options, name => name == options.PostgreSqlConnectionStringVariable ? connection : null));
        NpgsqlConnection.ClearAllPools();
    }
}
