using SmartElek.Actors.Charger;
using SmartElek.Actors.Persistence;
using SmartElek.Host.Configuration;
using SmartElek.Host.Storage;

namespace SmartElek.Host.Tests;

public sealed class HostStorageTests : IDisposable
{
    private const string File = "/etc/smartelek/host.json";
    private const string Secret = "Host=db.site;Database=smartelek;Username=site;Password=hunter2-secret";
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-storage-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    private static List<ConfigError> Errors(StorageOptions storage, Dictionary<string, string>? environment = null) =>
        HostStorage.Errors(storage, File, name => environment?.GetValueOrDefault(name)).ToList();

    [Fact]
    public void The_default_is_one_sqlite_file_in_the_data_folder_and_postgresql_has_one_variable_name_everywhere()
    {
        var options = HostConfiguration.Load(Repository.Config("host.json"));
        var persistence = HostStorage.ToPersistenceOptions(options.Storage);
        Assert.Equal(PersistenceProvider.Sqlite, persistence.Provider);
        Assert.Equal(Path.GetFullPath(Path.Combine("data", "smartelek.db")), persistence.SqliteFilePath);
        Assert.Equal(TimeSpan.FromSeconds(10), HostStorage.Journal(options.Storage).DurableReadingInterval);
        // Charging provisionally with the database down at power-up, except under OCPP (its billing reads the register).
        Assert.NotNull(HostStorage.Journal(options.Storage).RecoveryWait);
        Assert.Null(HostStorage.Journal(options.Storage, ocppEnabled: true).RecoveryWait);
        Assert.Empty(Errors(options.Storage));

        var conf = System.IO.File.ReadAllText(Repository.Config("persistence-postgresql.conf"));
        Assert.Contains($"\"{options.Storage.PostgreSqlConnectionVariable}\"", conf);
        Assert.Equal(new PersistenceOptions().PostgreSqlConnectionStringVariable, options.Storage.PostgreSqlConnectionVariable);
    }

    [Fact]
    public void A_missing_postgresql_variable_names_the_key_and_the_variable()
    {
        var storage = new StorageOptions { Provider = "PostgreSql", PostgreSqlConnectionVariable = "SITE_DB" };
        var error = Assert.Single(Errors(storage));
        Assert.Equal("Storage:PostgreSqlConnectionVariable", error.Key);
        Assert.Contains("SITE_DB", error.Reason);
        Assert.Empty(Errors(storage, new() { ["SITE_DB"] = Secret }));
    }

    [Fact]
    public void A_bad_connection_string_is_reported_without_its_value()
    {
        var storage = new StorageOptions { Provider = "PostgreSql", PostgreSqlConnectionVariable = "SITE_DB" };
        var errors = Errors(storage, new() { ["SITE_DB"] = "Password=hunter2-secret;Nonsense=1" });
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal("Storage:PostgreSqlConnectionVariable", e.Key));
        Assert.All(errors, e => Assert.DoesNotContain("hunter2", e.ToString()));
    }

    [Fact]
    public void Every_bad_storage_value_names_its_own_key()
    {
        var errors = Errors(new StorageOptions { DataFolder = " ", DurableReadingSeconds = 0, TariffPerKwh = double.NaN });
        Assert.Equal(["Storage:DataFolder", "Storage:DurableReadingSeconds", "Storage:TariffPerKwh"], errors.Select(e => e.Key));
        Assert.Equal("Storage:Provider", Assert.Single(Errors(new StorageOptions { Provider = "Oracle" })).Key);
        Assert.Equal("Storage:PostgreSqlConnectionVariable",
            Assert.Single(Errors(new StorageOptions { Provider = "PostgreSql", PostgreSqlConnectionVariable = "not a name" })).Key);
    }

    [Fact]
    public void Started_with_postgresql_down_the_operator_is_told_what_the_chargers_of_this_configuration_do()
    {
        var probe = new StorageProbeResult(StorageReach.Unreachable, "db.site:5432/smartelek", "Connection refused");
        var storage = new StorageOptions { Provider = "PostgreSql" };
        var provisional = HostStorage.UnreachableAtStart(probe, HostStorage.Journal(storage, ocppEnabled: false));
        var waiting = HostStorage.UnreachableAtStart(probe, HostStorage.Journal(storage, ocppEnabled: true));
        Assert.All([provisional, waiting], message => Assert.Contains("PostgreSQL at db.site:5432/smartelek does not answer (Connection refused)", message));

        Assert.Contains($"waits {new ChargerJournalSettings().RecoveryWait!.Value.TotalSeconds:0} s for its journal, then charges provisionally", provisional);
        Assert.Contains("counts from 0 Wh", provisional);
        Assert.DoesNotContain("charges nothing", provisional);
        Assert.DoesNotContain("OCPP", provisional);

        Assert.Contains("OCPP is enabled", waiting);
        Assert.Contains("charges nothing until its journal has been read", waiting);
        Assert.DoesNotContain("provisionally", waiting);
    }

    [Fact]
    public async Task Preparing_an_ocpp_site_on_a_postgresql_that_does_not_answer_starts_it_saying_the_chargers_wait_for_their_journals()
    {
        // A loopback port nothing listens on: the connection is refused at once.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var storage = new StorageOptions { Provider = "PostgreSql", PostgreSqlConnectionVariable = "SITE_DB" };
        var environment = new Dictionary<string, string> { ["SITE_DB"] = $"Host=127.0.0.1;Port={port};Database=smartelek;Username=site;Password=hunter2-secret" };

        var error = new StringWriter();
        var prepared = await HostStorage.PrepareAsync(storage, ocppEnabled: true, File, error, name => environment.GetValueOrDefault(name));
        Assert.Equal(StorageReach.Unreachable, prepared?.Reach);
        Assert.Contains($"127.0.0.1:{port}/smartelek does not answer", error.ToString());
        Assert.Contains("charges nothing until its journal has been read", error.ToString());
        Assert.DoesNotContain("hunter2", error.ToString());
    }

    [Fact]
    public void The_report_filter_names_each_bad_option()
    {
        var problems = OperatorReports.Problems(new OperatorReports.Filter("a b", "2026-13-01", "yesterday"));
        Assert.Equal(3, problems.Count);
        Assert.StartsWith("--charger:", problems[0]);
        Assert.Contains("'2026-13-01'", problems[1]);
        Assert.StartsWith("--to:", problems[2]);
        Assert.Contains("after", Assert.Single(OperatorReports.Problems(new OperatorReports.Filter(null, "2026-11-25", "2026-11-24"))));
        var parsed = OperatorReports.Parse(new OperatorReports.Filter("charger-2", "2026-11-01", null));
        Assert.Equal(new ChargerId("charger-2"), parsed!.Value.Charger);
        Assert.Equal(new Actors.ReadSide.ReadPeriod(new DateOnly(2026, 11, 1), null), parsed.Value.Period);
    }

    private Task<HostProcess.Ending> RunAsync(Dictionary<string, string> environment, params string[] arguments) =>
        HostProcess.RunAsync(_workDir, Repository.Config("host.json"), environment, arguments);

    [Fact]
    public async Task The_site_on_postgresql_without_its_variable_exits_2_naming_key_and_variable()
    {
        var (code, stdout, stderr) = await RunAsync(new()
        {
            ["SMARTELEK__Storage__Provider"] = "PostgreSql",
            ["SMARTELEK__Storage__PostgreSqlConnectionVariable"] = "SMARTELEK_TEST_NO_SUCH_DB",
        });
        Assert.Equal(2, code);
        Assert.Contains("Storage:PostgreSqlConnectionVariable", stderr);
        Assert.Contains("SMARTELEK_TEST_NO_SUCH_DB", stderr);
        Assert.DoesNotContain("pilot=", stdout);
        Assert.False(Directory.Exists(Path.Combine(_workDir, "data")));
    }

    [Fact]
    public async Task A_data_folder_that_cannot_be_created_exits_2_naming_the_key()
    {
        System.IO.File.WriteAllText(Path.Combine(_workDir, "blocker"), "a file where the data folder's parent should be");
        var (code, stdout, stderr) = await RunAsync(new() { ["SMARTELEK__Storage__DataFolder"] = Path.Combine("blocker", "data") });
        Assert.Equal(2, code);
        Assert.Contains("Storage:DataFolder", stderr);
        Assert.Contains(Path.Combine(_workDir, "blocker", "data", "smartelek.db"), stderr);
        Assert.DoesNotContain("Unhandled", stderr);
        Assert.DoesNotContain("pilot=", stdout);
    }

    [Fact]
    public async Task A_report_before_the_site_ever_ran_says_there_is_no_database_and_a_bad_option_exits_2()
    {
        var (code, _, stderr) = await RunAsync([], "sessions");
        Assert.Equal(1, code);
        Assert.Contains(Path.Combine(_workDir, "data", "smartelek.db"), stderr);
        Assert.False(System.IO.File.Exists(Path.Combine(_workDir, "data", "smartelek.db")));

        (code, _, stderr) = await RunAsync([], "energy", "--from", "24/11/2026");
        Assert.Equal(2, code);
        Assert.Contains("--from", stderr);
    }
}
