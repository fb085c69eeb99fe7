using System.Net;
using System.Text.Json;

namespace SmartElek.Operator.Tests;

/// <summary>The read endpoints of the running Host: site, circuits, chargers (filter, search, pages), one charger.</summary>
[Collection(ApiProcessCollection.Name)]
public sealed class ReadApiProcessTests : IAsyncLifetime
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-read-api-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
        return Task.CompletedTask;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> EventuallyAsync(HttpClient client, string path, Func<JsonElement, bool> wanted, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await Json(await client.GetAsync(path));
            if (wanted(last)) return last;
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"{path}: no {what} in time; last: {last}");
    }

    [Fact]
    public async Task The_running_site_answers_for_its_site_circuits_and_chargers()
    {
        await using var host = await ApiHost.StartAsync(_workDir, SecurityProcessTests.ChargingSite());
        using var client = await host.LoginAsync("boss", "correct horse battery");

        var site = await EventuallyAsync(client, "/api/site", s => s.GetProperty("chargers").GetProperty("live").GetInt32() == 6 && s.GetProperty("allocator").GetProperty("answering").GetBoolean(),
            "six live chargers and the allocator's ledger");
        Assert.Equal("default", site.GetProperty("name").GetString());
        Assert.True(site.GetProperty("allocator").GetProperty("answering").GetBoolean());
        var node = Assert.Single(site.GetProperty("nodes").EnumerateArray());
        Assert.True(node.GetProperty("self").GetBoolean());

        var circuits = await EventuallyAsync(client, "/api/circuits", c => c.GetProperty("allocationAgeSeconds").ValueKind == JsonValueKind.Number, "ledger");
        var feeder = circuits.GetProperty("circuits").EnumerateArray().First();
        Assert.Equal("feeder", feeder.GetProperty("id").GetString());
        foreach (var line in feeder.GetProperty("lines").EnumerateArray())
        {
            Assert.Equal(80, line.GetProperty("limitAmps").GetDouble());
            Assert.InRange(line.GetProperty("mayDrawAmps").GetDouble(), 0, 80);
        }

        // Pages of two, then a circuit's subtree, then a search.
        var page = await Json(await client.GetAsync("/api/chargers?pageSize=2&page=2"));
        Assert.Equal(6, page.GetProperty("total").GetInt32());
        Assert.Equal(["charger-3", "charger-4"], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray());
        var panel = await Json(await client.GetAsync("/api/chargers?circuit=panel-a"));
        Assert.Equal(3, panel.GetProperty("total").GetInt32());
        var search = await Json(await client.GetAsync("/api/chargers?search=GER-5"));
        Assert.Equal("charger-5", Assert.Single(search.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());

        var one = await Json(await client.GetAsync("/api/chargers/charger-1"));
        var summary = one.GetProperty("summary");
        Assert.Equal("live", summary.GetProperty("reach").GetString());
        Assert.Equal(30, one.GetProperty("ratingAmps").GetDouble());
        Assert.Equal(30, one.GetProperty("settings").GetProperty("maxCurrent").GetDouble());
        var state = summary.GetProperty("state");
        foreach (var field in new[] { "pilot", "pilotText", "statusLed", "networkLed", "grantedAmps", "offeredAmps", "drawnAmps", "powerKw", "sessionKwh", "evLevelPercent", "evRangeKm" })
            Assert.True(state.TryGetProperty(field, out _), $"the charger's state has {field}");
        Assert.Equal("blue", state.GetProperty("networkLed").GetProperty("color").GetString());

        // Bad queries name the field; an unknown charger is a 404 problem.
        var bad = await Json(await client.GetAsync("/api/chargers?pageSize=500&circuit=nowhere"), HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("pageSize", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("circuit", out _));
        var missing = await client.GetAsync("/api/chargers/charger-99");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }
}
