using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Npgsql;

namespace SmartElek.Operator.Tests;

/// <summary>The API on PostgreSQL (a throw-away server): users, tokens, assignments and the session keys live in the site's database and survive a restart.</summary>
[Collection(SecondApiProcessCollection.Name)]
public sealed class PostgreSqlApiProcessTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-pg-api-").FullName;
    private ThrowawayPostgreSql _server = null!;
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _server = await ThrowawayPostgreSql.StartAsync();
        _connection = await _server.CreateDatabaseAsync("api");
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _server.DisposeAsync();
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Users_tokens_and_roles_work_on_postgresql_and_survive_a_restart()
    {
        var environment = SecurityProcessTests.ChargingSite();
        environment["SMARTELEK_POSTGRESQL"] = _connection;
        environment["SMARTELEK__Storage__Provider"] = "PostgreSql";
        string token;
        string driver;
        string session;
        await using (var host = await ApiHost.StartAsync(_workDir, environment))
        {
            using var op = await host.LoginAsync("boss", Password);
            driver = (await op.PostAsJsonAsync("/api/users", new { name = "dan", role = "driver", password = Password, idTag = "RFID-7" }).Expect(HttpStatusCode.Created))
                .GetProperty("id").GetString()!;
            await op.PutAsJsonAsync($"/api/users/{driver}/chargers", new { chargers = new[] { "charger-3" } }).Expect(HttpStatusCode.OK);
            using var dan = await host.LoginAsync("dan", Password);
            token = (await dan.PostAsJsonAsync("/api/tokens", new { name = "car app" }).Expect(HttpStatusCode.Created)).GetProperty("token").GetString()!;
            using var login = await host.Client().PostAsJsonAsync("/api/login", new { name = "dan", password = Password });
            session = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("smartelek-session=", StringComparison.Ordinal)).Split(';')[0];
            await Http.Eventually(dan, "/api/chargers/charger-3", c => c.GetProperty("summary").GetProperty("reach").GetString() == "live", "charger-3 live");
            await dan.Patch("/api/chargers/charger-3/settings", new { maxCurrent = 12 }).Expect(HttpStatusCode.OK);
        }

        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM op_users"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM op_assignments WHERE charger_id = 'charger-3'"));
        Assert.Equal(0, await CountAsync($"SELECT COUNT(*) FROM op_tokens WHERE token_hash = '{token}'"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM op_tokens WHERE revoked_at IS NULL"));
        Assert.True(await CountAsync("SELECT COUNT(*) FROM op_key_ring") >= 1, "the session keys are in the site's database");

        await using (var again = await ApiHost.StartAsync(_workDir, environment))
        {
            using var program = again.Client(token);
            var me = await program.GetAsync("/api/me").Expect(HttpStatusCode.OK);
            Assert.Equal("dan", me.GetProperty("name").GetString());
            Assert.Equal("charger-3", me.GetProperty("chargers")[0].GetString());
            await program.GetAsync("/api/chargers/charger-1").Expect(HttpStatusCode.NotFound);
            // The cookie keys live in the site's database: a session outlives the process (and holds on every node).
            using var browser = again.Client();
            browser.DefaultRequestHeaders.Add("Cookie", session);
            Assert.Equal("dan", (await browser.GetAsync("/api/me").Expect(HttpStatusCode.OK)).GetProperty("name").GetString());
            // The charger journalled the driver's maximum: it is back after the restart.
            await Http.Eventually(program, "/api/chargers/charger-3", c => c.GetProperty("settings") is { ValueKind: System.Text.Json.JsonValueKind.Object } s
                && s.GetProperty("maxCurrent").GetDouble() == 12, "the journalled maximum of 12 A");
        }
    }
}
