using SmartElek.Host.Configuration;
using SmartElek.Host.Storage;

namespace SmartElek.Host.Tests;

/// <summary>Site:TimeZone: the days the operator's reports count in.</summary>
public sealed class SiteTimeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("smartelek-zone-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_folder, "host.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void The_default_is_the_machines_local_zone_and_an_iana_id_names_a_zone()
    {
        var defaults = HostConfiguration.Load(Repository.Config("host.json"));
        Assert.Equal("", defaults.Site.TimeZone);
        Assert.Equal(TimeZoneInfo.Local, SiteTime.ZoneOf(defaults.Site));

        var berlin = HostConfiguration.Load(Write("""{ "Site": { "TimeZone": "Europe/Berlin" } }"""));
        Assert.Equal("Europe/Berlin", SiteTime.ZoneOf(berlin.Site).Id);
        Assert.Equal(TimeSpan.FromHours(2), SiteTime.ZoneOf(berlin.Site).GetUtcOffset(new DateTime(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc)));
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
