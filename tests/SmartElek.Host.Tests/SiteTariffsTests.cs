using SmartElek.Host.Configuration;

namespace SmartElek.Host.Tests;

[Trait("Speed", "Fast")]
public sealed class SiteTariffsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("smartelek-tariffs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_shipped_tariffs_load_at_start()
    {
        var book = SiteTariffs.Load(Path.GetDirectoryName(Repository.Config("host.json"))!, new SiteOptions(), "host.json");
        Assert.NotNull(book);
        Assert.Equal("standard", book.DefaultTariff);
        Assert.Equal("residents", book.Groups["residents"]);
    }

    [Fact]
    public void A_bad_tariffs_file_stops_the_start_naming_the_file_and_the_key()
    {
        File.WriteAllText(Path.Combine(_folder, "tariffs.json"), File.ReadAllText(Repository.Config("tariffs.json")).Replace("\"to\": \"21:00\"", "\"to\": \"16:00\""));
        var e = Assert.Throws<ConfigException>(() => SiteTariffs.Load(_folder, new SiteOptions(), "host.json"));
        var error = Assert.Single(e.Errors);
        Assert.Equal(Path.Combine(_folder, "tariffs.json"), error.File);
        Assert.Equal("$.tariffs.standard.seasons[0].bands[1].to", error.Key);
        Assert.Contains("16:00 is not after 17:00", e.Message);
    }

    [Fact]
    public void A_named_tariffs_file_that_is_missing_stops_the_start_and_the_default_one_may_be_absent()
    {
        Assert.Null(SiteTariffs.Load(_folder, new SiteOptions(), "host.json"));
        var e = Assert.Throws<ConfigException>(() => SiteTariffs.Load(_folder, new SiteOptions { Tariffs = "prices.json" }, "host.json"));
        Assert.Equal("Site:Tariffs", Assert.Single(e.Errors).Key);
    }
}
