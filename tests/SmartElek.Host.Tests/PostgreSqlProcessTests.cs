using System.Globalization;
using Npgsql;

namespace SmartElek.Host.Tests;

/// <summary>
/// The real executable on a real PostgreSQL (a throw-away server, initdb + pg_ctl on 127.0.0.1): a
/// power cut mid-session and a restart on the same database, the operator's reports read from
/// PostgreSQL, and a start while the server is down. Each test has its own server and work folder.
/// </summary>
public sealed class PostgreSqlProcessTests : IAsyncLifetime
{
    private const double DurableReadingSeconds = 1;
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-pg-process-").FullName;
    private ThrowawayPostgreSql _server = null!;
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _server = await ThrowawayPostgreSql.StartAsync();
        _connection = await _server.CreateDatabaseAsync("site");
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _server.DisposeAsync();
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
    }

    private static string HostJson => Repository.Config("host.json");

    // One charger, a vehicle at once with a nearly empty battery that stays an hour: a long session.
    private Dictionary<string, string> Environment(string connection) => new()
    {
        ["SMARTELEK_POSTGRESQL"] = connection,
        ["SMARTELEK__Storage__Provider"] = "PostgreSql",
        ["SMARTELEK__Storage__DurableReadingSeconds"] = DurableReadingSeconds.ToString(CultureInfo.InvariantCulture),
        ["SMARTELEK__Site__Topology"] = HostProcess.OneChargerTopology(_workDir),
        ["SMARTELEK__Simulation__MeanArrivalSeconds"] = "1",
        ["SMARTELEK__Simulation__MeanStaySeconds"] = "3600",
        ["SMARTELEK__Simulation__ArrivalSocMin"] = "10",
        ["SMARTELEK__Simulation__ArrivalSocMax"] = "20",
    };

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_session_cut_by_a_kill_on_postgresql_is_closed_as_power_loss_and_the_reports_read_it_from_postgresql()
    {
        var scenario = new PowerCutScenario(_workDir, HostJson, Environment(_connection), DurableReadingSeconds);
        var (beforeCut, afterRestart) = await scenario.CutAndRestartAsync(afterCut: () => { });
        // Everything went to PostgreSQL: no SQLite file was made in the working directory.
        Assert.False(Directory.Exists(Path.Combine(_workDir, "data")), "a data folder (SQLite) was created");
        // The operator's view, read from PostgreSQL (the reports first bring its read tables up to the journal:
        // the site was stopped as soon as the unit recovered, maybe before its projectors wrote the cut).
        await scenario.AssertReportsKeptTheCutSessionAsync(beforeCut, afterRestart);
        Assert.True(await CountAsync("SELECT COUNT(*) FROM read_sessions WHERE stop_reason = 'PowerLoss'") >= 1, "no PowerLoss row in PostgreSQL's read_sessions");
    }

    [Fact]
    public async Task Started_while_postgresql_is_down_the_site_says_so_charges_provisionally_and_loses_nothing_once_it_answers()
    {
        var environment = Environment(_connection);
        await _server.StopAsync();
        using var site = HostProcess.Start(_workDir, HostJson, environment);
        await site.WaitForTextAsync(p => p.Errors(), "does not answer", TimeSpan.FromSeconds(60));
        Assert.Contains($"127.0.0.1:{_server.Port}/", site.Errors());
        Assert.DoesNotContain("Password", site.Errors(), StringComparison.OrdinalIgnoreCase);
        // Without OCPP the operator is told the chargers charge provisionally, not that they wait.
        Assert.Contains("then charges provisionally: its register counts from 0 Wh", site.Errors());
        Assert.DoesNotContain("charges nothing", site.Errors());
        // A vehicle arrives at once; past its recovery wait the unit charges provisionally (the
        // database must not stop charging), its register counting from 0 Wh at this power-up.
        await site.WaitForStatusAsync("charger-1", s => s.Pilot is "B" or "C", TimeSpan.FromSeconds(60), "a vehicle plugged in");
        var provisional = await site.WaitForStatusAsync("charger-1", s => s.Session == "Charging" && s.DrawnAmps > 0,
            TimeSpan.FromSeconds(60), "charging provisionally while the database is down");
        Assert.False(site.Process.HasExited, "the site gave up while the database was down:\n" + site.Errors());
        await site.WaitForTextAsync(p => p.Text(), "charging provisionally", TimeSpan.FromSeconds(10));

        await _server.StartAgainAsync();
        var charging = await site.WaitForStatusAsync("charger-1", s => s.Session == "Charging" && s.RegisterWh >= Math.Max(10, provisional.RegisterWh + 5),
            TimeSpan.FromSeconds(120), "charging on after the database returned");
        // The register moved onto the recovered one (0 Wh on a fresh database) and never went backwards.
        var registers = site.StatusLines("charger-1").Select(l => l.RegisterWh).ToList();
        Assert.All(registers.Zip(registers.Skip(1)), p => Assert.True(p.Item2 >= p.Item1 - 0.5, $"register went back from {p.Item1} to {p.Item2} Wh"));
        await site.WaitForTextAsync(p => p.Text(), "answers again", TimeSpan.FromSeconds(30));
        Assert.Equal(0, await site.InterruptAsync());

        // Nothing lost: the session and its energy are in PostgreSQL and in the reports. Ctrl+C is a
        // controlled stop, not a power cut: the unit ended the session (Shutdown) before the site stopped.
        var sessions = await HostProcess.RunToEndAsync(_workDir, HostJson, environment, "sessions");
        var ended = HostProcess.ReportRows(sessions, c => c.Length == 10 && c[0] == "charger-1" && c[9] == "Shutdown").FirstOrDefault();
        Assert.True(ended is not null, "no session of charger-1 ended by the shut-down in:\n" + sessions);
        Assert.True(HostProcess.Number(ended[6]) > 0, "the session shows no energy:\n" + sessions);
        Assert.Empty(HostProcess.ReportRows(sessions, c => c.Length == 10 && c[9] is "running" or "PowerLoss"));
        var energy = await HostProcess.RunToEndAsync(_workDir, HostJson, environment, "energy");
        Assert.True(HostProcess.ReportRows(energy, c => c[0] == "today" && c[2] == "so-far-to").Count > 0, "the energy report does not mark today as so far:\n" + energy);
        var total = Assert.Single(HostProcess.ReportRows(energy, c => c[0] == "total"));
        Assert.True(HostProcess.Number(total[2]) * 1000 >= charging.RegisterWh - 0.5, $"energy {total[2]} kWh is below the register {charging.RegisterWh} Wh seen charging:\n{energy}");
    }

    [Fact]
    public async Task A_postgresql_that_refuses_the_site_stops_the_start_with_exit_2_naming_the_key_not_the_password()
    {
        var builder = new NpgsqlConnectionStringBuilder(_connection) { Database = "no_such_database", Password = "hunter2-secret" };
        var (code, stdout, stderr) = await HostProcess.RunAsync(_workDir, HostJson, Environment(builder.ConnectionString));
        Assert.Equal(2, code);
        Assert.Contains("Storage:PostgreSqlConnectionVariable", stderr);
        Assert.Contains("no_such_database", stderr);
        Assert.DoesNotContain("hunter2", stderr + stdout);
        Assert.DoesNotContain("pilot=", stdout);
    }
}
