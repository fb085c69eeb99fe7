using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartElek.Operator.Api;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Tests;

/// <summary>Sessions over real HTTP against the running Host, attributed to the driver who started them.</summary>
[Collection(SecondApiProcessCollection.Name)]
public sealed class SessionApiProcessTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-sessions-api-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
        return Task.CompletedTask;
    }

    private static IEnumerable<JsonElement> Of(JsonElement sessions, string charger) =>
        sessions.EnumerateArray().Where(s => s.GetProperty("charger").GetString() == charger);

    private static string? SessionOf(JsonElement charger) =>
        charger.GetProperty("summary").GetProperty("state") is { ValueKind: JsonValueKind.Object } state ? state.GetProperty("session").GetString() : null;

    [Fact]
    public async Task A_session_a_driver_starts_is_theirs_they_see_only_their_chargers_sessions_and_bad_days_are_named()
    {
        await using var host = await ApiHost.StartAsync(_workDir, SecurityProcessTests.ChargingSite());
        using var op = await host.LoginAsync("boss", Password);
        var dan = (await op.PostAsJsonAsync("/api/users", new { name = "dan", role = "driver", password = Password, idTag = "RFID-0001" })
            .Expect(HttpStatusCode.Created)).GetProperty("id").GetString();
        await op.PutAsJsonAsync($"/api/users/{dan}/chargers", new { chargers = new[] { "charger-2" } }).Expect(HttpStatusCode.OK);

        // The vehicles arrive at once and auto-start; dan stops his charger and starts it again himself.
        using var danClient = await host.LoginAsync("dan", Password);
        await Http.Eventually(danClient, "/api/chargers/charger-2", c => SessionOf(c) is "Charging" or "Authorised", "a session");
        await danClient.PostAsync("/api/chargers/charger-2/stop", null).Expect(HttpStatusCode.OK);
        await Http.Eventually(danClient, "/api/chargers/charger-2", c => SessionOf(c) == "Stopped", "the stop");
        await danClient.PostAsync("/api/chargers/charger-2/start", null).Expect(HttpStatusCode.OK);

        // The read side catches up: the session is his; the others' sessions are not shown to him.
        var his = await Http.Eventually(danClient, "/api/sessions", s => Of(s, "charger-2").Any(x => x.GetProperty("authorisedBy").GetString() == "dan"),
            "charger-2's session started by dan");
        Assert.All(his.EnumerateArray(), s => Assert.Equal("charger-2", s.GetProperty("charger").GetString()));
        // His own charger's sessions are his (an auto-started one too, as his budget counts them).
        Assert.All(his.EnumerateArray(), s => Assert.Equal((dan, "dan"), (s.GetProperty("driverId").GetString(), s.GetProperty("driverName").GetString())));

        // The operator sees every charger's; the auto-started ones on chargers no driver has are nobody's.
        var all = await Http.Eventually(op, "/api/sessions", s => s.EnumerateArray().Select(x => x.GetProperty("charger").GetString()).Distinct().Count() == 6,
            "sessions of all six chargers");
        Assert.All(all.EnumerateArray().Where(s => s.GetProperty("charger").GetString() != "charger-2"),
            s => Assert.Equal(JsonValueKind.Null, s.GetProperty("driverName").ValueKind));

        await op.GetAsync("/api/sessions?from=2026-13-01").ExpectFieldError("from");
        await op.GetAsync("/api/sessions?from=2026-12-05&to=2026-12-01").ExpectFieldError("to");
        await op.GetAsync("/api/sessions?charger=charger-99").ExpectFieldError("charger");
    }

    [Fact]
    public async Task A_finished_session_shows_the_cost_kept_with_it_in_the_tariffs_currency_and_its_priced_quarter_hours()
    {
        // config/host.json beside config/tariffs.json: the shipped tariffs (EUR, 'standard' for drivers without a group).
        await using var host = await ApiHost.StartAsync(_workDir, SecurityProcessTests.ChargingSite());
        using var op = await host.LoginAsync("boss", Password);

        // charger-1's vehicle arrives and charges; once the read side has energy of it, the operator stops it.
        var running = await Http.Eventually(op, "/api/sessions?charger=charger-1",
            s => s.EnumerateArray().Any(x => x.GetProperty("running").GetBoolean() && x.GetProperty("energyKwh").GetDouble() > 0),
            "a running session with energy", TimeSpan.FromSeconds(90));
        var session = running.EnumerateArray().First(x => x.GetProperty("running").GetBoolean()).GetProperty("sessionId").GetString()!;
        await op.PostAsync("/api/chargers/charger-1/stop", null).Expect(HttpStatusCode.OK);

        var ended = (await Http.Eventually(op, "/api/sessions?charger=charger-1",
            s => s.EnumerateArray().Any(x => x.GetProperty("sessionId").GetString() == session && !x.GetProperty("running").GetBoolean()),
            "the session ended", TimeSpan.FromSeconds(60)))
            .EnumerateArray().First(x => x.GetProperty("sessionId").GetString() == session);
        Assert.True(ended.GetProperty("cost").GetDouble() > 0, $"a cost above 0: {ended}");
        Assert.Equal("EUR", ended.GetProperty("currency").GetString());
        Assert.Equal("standard", ended.GetProperty("tariff").GetString());
        // Between the cheapest and the dearest of the shipped prices for its energy.
        var kwh = ended.GetProperty("energyKwh").GetDouble();
        Assert.InRange(ended.GetProperty("cost").GetDouble(), kwh * 0.16 - 0.0001, kwh * 0.45 + 0.0001);

        var cost = await op.GetAsync($"/api/sessions/charger-1/{Uri.EscapeDataString(session)}/cost").Expect(HttpStatusCode.OK);
        Assert.Equal(ended.GetProperty("cost").GetDouble(), cost.GetProperty("cost").GetDouble(), 4);
        var quarters = cost.GetProperty("quarters").EnumerateArray().ToList();
        Assert.NotEmpty(quarters);
        Assert.All(quarters, q => Assert.Contains("tariff 'standard'", q.GetProperty("words").GetString()));
        Assert.All(quarters, q => Assert.Equal(0, q.GetProperty("start").GetDateTimeOffset().ToUnixTimeSeconds() % 900));
        await op.GetAsync("/api/sessions/charger-1/no-such-session/cost").Expect(HttpStatusCode.NotFound);
    }

    private static OperatorUser User(string name, string? idTag) => new(name + "-id", name, Roles.Driver, null, idTag, DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_session_is_attributed_by_the_starting_user_s_name_or_by_the_idTag_presented_through_OCPP()
    {
        var attribution = new SessionAttribution([User("dan", "RFID-0001"), User("dora", null)]);
        Assert.Equal("dan", attribution.Of("dan")?.Name);
        Assert.Equal("dora", attribution.Of("dora")?.Name);
        // OCPP compares idTags without case.
        Assert.Equal("dan", attribution.Of("ocpp:rfid-0001")?.Name);
        Assert.Null(attribution.Of("ocpp:RFID-9999"));
        Assert.Null(attribution.Of("auto-start"));
        Assert.Null(attribution.Of(null));
        // A user named like a tag is not the tag's owner.
        Assert.Null(attribution.Of("RFID-0001"));
    }

    [Fact]
    public void A_session_no_user_authorised_is_the_session_of_the_driver_its_charger_is_assigned_to()
    {
        var boss = new OperatorUser("boss-id", "boss", Roles.Operator, null, null, DateTimeOffset.UnixEpoch);
        var assignments = new Dictionary<string, IReadOnlyList<string>>
        {
            ["dora-id"] = ["charger-2", "charger-3"], ["dan-id"] = ["charger-2"], ["boss-id"] = ["charger-4"],
        };
        var attribution = new SessionAttribution([User("dora", null), User("dan", "RFID-0001"), boss], assignments);
        // Auto-start or an unknown tag: the charger's driver (the first by name when two share it); an operator is nobody's driver.
        Assert.Equal("dan", attribution.DriverOf("charger-2", "auto-start")?.Name);
        Assert.Equal("dora", attribution.DriverOf("charger-3", "ocpp:UNKNOWN")?.Name);
        Assert.Null(attribution.DriverOf("charger-4", "auto-start"));
        Assert.Null(attribution.DriverOf("charger-1", "auto-start"));
        // Who authorised decides, on any charger.
        Assert.Equal("dora", attribution.DriverOf("charger-2", "dora")?.Name);
        Assert.Equal("dan", attribution.DriverOf("charger-1", "ocpp:rfid-0001")?.Name);
        Assert.Equal("boss", attribution.DriverOf("charger-3", "boss")?.Name);
    }
}
