using SmartElek.Host.Configuration;
using SmartElek.Host.Storage;

namespace SmartElek.Host.Tests;

[Trait("Speed", "Fast")]
public sealed class HostConfigurationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("smartelek-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_folder, "host.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void The_committed_default_loads_as_an_embedded_one_node_site()
    {
        var options = HostConfiguration.Load(Repository.Config("host.json"));
        Assert.Equal("Sqlite", options.Storage.Provider);
        Assert.Empty(options.Node.Seeds);
        Assert.Equal("127.0.0.1", options.Node.Hostname);
    }

    [Fact]
    public void The_tests_loopback_nodes_load_with_their_ports_even_where_one_begins_with_a_shipped_port()
    {
        // 45031 and 45021 begin with the shipped 4503 and 4502: replaced one after the other, 45031 once became 436011.
        int[] ports = [43601, 45031, 45021];
        var files = SmartElek.TestSupport.LoopbackSite.WriteConfig(_folder, nodes: 3, ports: ports);
        for (var n = 0; n < 3; n++)
        {
            var options = HostConfiguration.Load(files[n]);
            Assert.Equal(ports[n], options.Node.Port);
            Assert.Equal(ports.Select(p => $"akka.tcp://smartelek-site@127.0.0.1:{p}"), options.Node.Seeds);
        }
    }

    [Fact]
    public void A_bad_value_names_the_file_the_key_and_the_reason()
    {
        var path = Write("""{ "Storage": { "Provider": "Oracle" }, "Node": { "Port": 70000 } }""");
        var e = Assert.Throws<ConfigException>(() => HostConfiguration.Load(path));
        Assert.Contains(e.Errors, x => x.File == path && x.Key == "Storage:Provider" && x.Reason.Contains("Oracle"));
        Assert.Contains(e.Errors, x => x.Key == "Node:Port" && x.Reason.Contains("70000"));
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_its_key()
    {
        var path = Write("""{ "Simulation": { "Seed": "many" } }""");
        var e = Assert.Throws<ConfigException>(() => HostConfiguration.Load(path));
        Assert.Equal("Simulation:Seed", Assert.Single(e.Errors).Key);
    }

    [Fact]
    public void An_unknown_key_is_an_error_not_a_silent_default()
    {
        var path = Write("""{ "Simulation": { "MeanArivalSeconds": 5 } }""");
        var e = Assert.Throws<ConfigException>(() => HostConfiguration.Load(path));
        Assert.Contains("MeanArivalSeconds", e.Message);
    }

    [Fact]
    public void Broken_json_names_the_file()
    {
        var path = Write("""{ "Simulation": { "Seed": 1, } ,,""");
        var e = Assert.Throws<ConfigException>(() => HostConfiguration.Load(path));
        Assert.Equal("(syntax)", Assert.Single(e.Errors).Key);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Environment_overrides_win_over_the_file()
    {
        var path = Write("""{ "Simulation": { "Seed": 1 } }""");
        var options = HostConfiguration.Load(path, new Dictionary<string, string?> { ["Simulation:Seed"] = "99" });
        Assert.Equal(99, options.Simulation.Seed);
    }

    // Site:LeaseSeconds: a grant must outlast the charger's fall-back lead and two reports.
    [Theory]
    [InlineData(16, "FailSafeLead")]
    [InlineData(0, "0..3600")]
    [InlineData(-5, "0..3600")]
    [InlineData(7200, "0..3600")]
    public void A_lease_a_healthy_charger_could_not_renew_in_time_is_refused_naming_why(double seconds, string reason)
    {
        var path = Write($$"""{ "Site": { "LeaseSeconds": {{seconds}} } }""");
        var e = Assert.Throws<ConfigException>(() => HostConfiguration.Load(path));
        var error = Assert.Single(e.Errors);
        Assert.Equal("Site:LeaseSeconds", error.Key);
        Assert.Contains(reason, error.Reason);
    }

    [Fact]
    public void The_lease_is_the_configured_one_and_sixty_seconds_by_default()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), HostConfiguration.Lease(HostConfiguration.Load(Write("{}")).Site).LeaseDuration);
        var shorter = HostConfiguration.Load(Write("""{ "Site": { "LeaseSeconds": 17 } }"""));
        Assert.Equal(TimeSpan.FromSeconds(17), HostConfiguration.Lease(shorter.Site).LeaseDuration);
    }

    [Fact]
    public void PostgreSql_without_its_connection_variable_is_refused()
    {
        var path = Write("""{ "Storage": { "Provider": "PostgreSql", "PostgreSqlConnectionVariable": "SMARTELEK_TEST_UNSET_VARIABLE" } }""");
        var e = Assert.Throws<ConfigException>(() => HostConfiguration.Load(path));
        Assert.Contains(e.Errors, x => x.Key == "Storage:PostgreSqlConnectionVariable");
    }

    // Site:TimeZone: the days the operator's reports count in.
    [Fact]
    public void The_default_is_the_machines_local_zone_and_an_iana_id_names_a_zone()
    {
        var defaults = HostConfiguration.Load(Repository.Config("host.json"));
        Assert.Equal("", defaults.Site.TimeZone);
        // The machine's zone by its rules: the same offsets as .NET's local zone, summer and winter.
        var machine = SiteTime.ZoneOf(defaults.Site);
        foreach (var at in new[] { new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 7, 15, 12, 0, 0, TimeSpan.Zero) })
            Assert.Equal(TimeZoneInfo.Local.GetUtcOffset(at), machine.GetUtcOffset(NodaTime.Instant.FromDateTimeOffset(at)).ToTimeSpan());

        var berlin = HostConfiguration.Load(Write("""{ "Site": { "TimeZone": "Europe/Berlin" } }"""));
        Assert.Equal("Europe/Berlin", SiteTime.ZoneOf(berlin.Site).Id);
        Assert.Equal(NodaTime.Offset.FromHours(2), SiteTime.ZoneOf(berlin.Site).GetUtcOffset(NodaTime.Instant.FromUtc(2026, 7, 1, 12, 0)));
    }

    [Fact]
    public void An_unknown_zone_is_refused_at_start_naming_the_file_the_key_and_the_value()
    {
        var path = Write("""{ "Site": { "TimeZone": "Mars/Olympus_Mons" } }""");
        var e = Assert.Throws<ConfigException>(() => HostConfiguration.Load(path));
        var error = Assert.Single(e.Errors);
        Assert.Equal((path, "Site:TimeZone"), (error.File, error.Key));
        Assert.Contains("Mars/Olympus_Mons", error.Reason);
        Assert.Contains("IANA", error.Reason);
        // Overridden from the environment the same way: the key is the same.
        var fromEnvironment = Assert.Throws<ConfigException>(() =>
            HostConfiguration.Load(Repository.Config("host.json"), new Dictionary<string, string?> { ["Site:TimeZone"] = "Europe/Atlantis" }));
        Assert.Equal("Site:TimeZone", Assert.Single(fromEnvironment.Errors).Key);
    }
}
