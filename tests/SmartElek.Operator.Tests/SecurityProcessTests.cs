using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace SmartElek.Operator.Tests;

/// <summary>
/// Users, roles and settings over real HTTP against the running Host on its real SQLite database:
/// who may read and change what, impossible settings named, and a lower maximum current reaching
/// the running site's allocation.
/// </summary>
[Collection(SecondApiProcessCollection.Name)]
public sealed class SecurityProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-security-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
        return Task.CompletedTask;
    }

    /// <summary>The first operator from the environment; vehicles arrive at once with nearly empty batteries and stay.</summary>
    public static Dictionary<string, string> ChargingSite() => new()
    {
        ["SMARTELEK_OPERATOR_USER"] = "boss",
        ["SMARTELEK_OPERATOR_PASSWORD"] = Password,
        ["SMARTELEK__Simulation__MeanArrivalSeconds"] = "1",
        ["SMARTELEK__Simulation__MeanStaySeconds"] = "3600",
        ["SMARTELEK__Simulation__ArrivalSocMin"] = "10",
        ["SMARTELEK__Simulation__ArrivalSocMax"] = "20",
    };

    private static async Task<string> CreateUserAsync(HttpClient op, string name, string role, string? idTag = null)
    {
        var user = await op.PostAsJsonAsync("/api/users", new { name, role, password = Password, idTag }).Expect(HttpStatusCode.Created);
        return user.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Each_role_reads_and_changes_only_what_it_may_and_a_lower_maximum_lowers_the_offer_in_the_running_site()
    {
        await using var host = await ApiHost.StartAsync(_workDir, ChargingSite());
        using var anonymous = host.Client();
        await anonymous.GetAsync("/api/site").Expect(HttpStatusCode.Unauthorized);
        await anonymous.GetAsync("/api/chargers/charger-1").Expect(HttpStatusCode.Unauthorized);
        await anonymous.PostAsync("/api/chargers/charger-1/start", null).Expect(HttpStatusCode.Unauthorized);
        using (var forged = host.Client("se_not-a-token")) await forged.GetAsync("/api/site").Expect(HttpStatusCode.Unauthorized);

        using var op = await host.LoginAsync("boss", Password);
        await CreateUserAsync(op, "vera", "viewer");
        var dan = await CreateUserAsync(op, "dan", "driver", idTag: "RFID-0001");
        await CreateUserAsync(op, "dora", "driver");
        var assigned = await op.PutAsJsonAsync($"/api/users/{dan}/chargers", new { chargers = new[] { "charger-1" } }).Expect(HttpStatusCode.OK);
        Assert.Equal("charger-1", assigned.GetProperty("chargers")[0].GetString());
        await op.PostAsJsonAsync("/api/users", new { name = "vera", role = "viewer" }).ExpectFieldError("name");
        await op.PostAsJsonAsync("/api/users", new { name = "x", role = "owner" }).ExpectFieldError("role");

        // A viewer reads everything and changes nothing.
        using var vera = await host.LoginAsync("vera", Password);
        Assert.Equal(6, (await vera.GetAsync("/api/chargers").Expect(HttpStatusCode.OK)).GetProperty("total").GetInt32());
        await vera.Patch("/api/chargers/charger-1/settings", new { maxCurrent = 10 }).Expect(HttpStatusCode.Forbidden);
        await vera.PostAsync("/api/chargers/charger-1/stop", null).Expect(HttpStatusCode.Forbidden);
        await vera.PostAsJsonAsync("/api/users", new { name = "eve", role = "operator", password = Password }).Expect(HttpStatusCode.Forbidden);

        // A driver sees and commands only their own charger; another's does not exist for them.
        using var dora = await host.LoginAsync("dora", Password);
        Assert.Equal(0, (await dora.GetAsync("/api/chargers").Expect(HttpStatusCode.OK)).GetProperty("total").GetInt32());
        await dora.GetAsync("/api/chargers/charger-1").Expect(HttpStatusCode.NotFound);
        await dora.PostAsync("/api/chargers/charger-1/stop", null).Expect(HttpStatusCode.NotFound);
        await dora.Patch("/api/chargers/charger-1/settings", new { maxCurrent = 10 }).Expect(HttpStatusCode.NotFound);
        using var danClient = await host.LoginAsync("dan", Password);
        var mine = await danClient.GetAsync("/api/chargers").Expect(HttpStatusCode.OK);
        Assert.Equal("charger-1", Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        await danClient.GetAsync("/api/chargers/charger-2").Expect(HttpStatusCode.NotFound);
        await danClient.GetAsync("/api/users").Expect(HttpStatusCode.Forbidden);
        await danClient.PostAsJsonAsync("/api/chargers/charger-1/actions", new { action = "reboot", confirm = true }).Expect(HttpStatusCode.Forbidden);
        Assert.Equal("RFID-0001", (await danClient.GetAsync("/api/me").Expect(HttpStatusCode.OK)).GetProperty("idTag").GetString());

        // A browser's change without the anti-forgery header is refused, naming the header.
        using (var noHeader = host.Client())
        {
            await noHeader.PostAsJsonAsync("/api/login", new { name = "dan", password = Password }).Expect(HttpStatusCode.OK);
            await noHeader.Patch("/api/chargers/charger-1/settings", new { maxCurrent = 12 }).ExpectFieldError("X-XSRF-TOKEN");
        }

        // Impossible settings, each named.
        await danClient.Patch("/api/chargers/charger-1/settings", new { maxCurrent = 45 }).ExpectFieldError("maxCurrent");
        await danClient.Patch("/api/chargers/charger-1/settings", new { maxCurrent = 5 }).ExpectFieldError("maxCurrent");
        await danClient.Patch("/api/chargers/charger-1/settings", new { minCurrent = 16, maxCurrent = 10 }).ExpectFieldError("maxCurrent");

        // The driver lowers the maximum to 10 A while the vehicle charges above it: the offer and the grant follow.
        await Http.Eventually(danClient, "/api/chargers/charger-1", c => c.GetProperty("summary").GetProperty("state") is { ValueKind: JsonValueKind.Object } s
            && s.GetProperty("offeredAmps").GetDouble() > 10 && s.GetProperty("drawnAmps").GetDouble() > 10, "vehicle charging above 10 A");
        var changed = Stopwatch.StartNew();
        var applied = await danClient.Patch("/api/chargers/charger-1/settings", new { maxCurrent = 10 }).Expect(HttpStatusCode.OK);
        Assert.Equal(10, applied.GetProperty("maxCurrent").GetDouble());
        var after = await Http.Eventually(danClient, "/api/chargers/charger-1", c =>
            c.GetProperty("summary").GetProperty("state").GetProperty("offeredAmps").GetDouble() <= 10
            && c.GetProperty("allocation") is { ValueKind: JsonValueKind.Object } a && a.GetProperty("grantedAmps").GetDouble() <= 10, "offer and grant at most 10 A");
        output.WriteLine($"max current 10 A: offer {after.GetProperty("summary").GetProperty("state").GetProperty("offeredAmps")} A and grant "
                         + $"{after.GetProperty("allocation").GetProperty("grantedAmps")} A seen by the API {changed.ElapsedMilliseconds} ms after the answer");
        Assert.Equal("UserMax", after.GetProperty("allocation").GetProperty("limit").GetProperty("kind").GetString());
        Assert.Equal(10, after.GetProperty("settings").GetProperty("maxCurrent").GetDouble());

        // Tokens for programs: shown once, hashed at rest, revoked at once.
        var created = await op.PostAsJsonAsync("/api/tokens", new { name = "billing export" }).Expect(HttpStatusCode.Created);
        var token = created.GetProperty("token").GetString()!;
        using (var program = host.Client(token))
        {
            Assert.Equal("boss", (await program.GetAsync("/api/me").Expect(HttpStatusCode.OK)).GetProperty("name").GetString());
            // A bearer token needs no anti-forgery header.
            await program.Patch("/api/chargers/charger-2/settings", new { name = "bay 2" }).Expect(HttpStatusCode.OK);
            var listed = await op.GetAsync("/api/tokens").Expect(HttpStatusCode.OK);
            Assert.DoesNotContain(token, listed.ToString(), StringComparison.Ordinal);
            await op.DeleteAsync($"/api/tokens/{created.GetProperty("id").GetString()}").Expect(HttpStatusCode.NoContent);
            await program.GetAsync("/api/me").Expect(HttpStatusCode.Unauthorized);
        }
        Assert.DoesNotContain(token, host.Process.Text() + host.Process.Errors(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, host.Process.Text() + host.Process.Errors(), StringComparison.Ordinal);

        // Logins are rate-limited per client address.
        var statuses = new List<HttpStatusCode>();
        using var guesser = host.Client();
        for (var i = 0; i < 12; i++)
        {
            using var r = await guesser.PostAsJsonAsync("/api/login", new { name = "boss", password = "guess-" + i });
            statuses.Add(r.StatusCode);
        }
        Assert.Contains(HttpStatusCode.Unauthorized, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        // The dashboard's login form shares that budget: with the right password it is refused too.
        var page = await SignInWithTheFormAsync(guesser, "boss", Password);
        Assert.Contains("Too many sign-in attempts", page, StringComparison.Ordinal);
        await guesser.GetAsync("/api/me").Expect(HttpStatusCode.Unauthorized);
    }

    /// <summary>Posts the dashboard's login form as a browser would (its anti-forgery field included); the page it answers.</summary>
    private static async Task<string> SignInWithTheFormAsync(HttpClient client, string name, string password)
    {
        var form = await client.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"");
        Assert.True(token.Success, "no anti-forgery field on the login page");
        using var answer = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token.Groups[1].Value,
            ["Form.User"] = name,
            ["Form.Password"] = password,
        }));
        return await answer.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task A_first_start_without_users_prints_a_single_use_setup_link_and_no_default_password_works()
    {
        await using var host = await ApiHost.StartAsync(_workDir);
        // On stderr, read apart from stdout: wait for it rather than assume it came with the API's address.
        await host.Process.WaitForTextAsync(p => p.Errors(), "/setup#", TimeSpan.FromSeconds(30));
        var link = System.Text.RegularExpressions.Regex.Match(host.Process.Errors(), @"/setup#(setup_[A-Za-z0-9_-]+)");
        Assert.True(link.Success, host.Process.Text());
        using var client = host.Client();
        await client.PostAsJsonAsync("/api/login", new { name = "operator", password = "operator" }).Expect(HttpStatusCode.Unauthorized);
        await client.PostAsJsonAsync("/api/setup", new { token = "setup_wrong", name = "first", password = Password }).Expect(HttpStatusCode.Forbidden);
        await client.PostAsJsonAsync("/api/setup", new { token = link.Groups[1].Value, name = "first", password = "short" }).ExpectFieldError("password");
        var first = await client.PostAsJsonAsync("/api/setup", new { token = link.Groups[1].Value, name = "first", password = Password }).Expect(HttpStatusCode.Created);
        Assert.Equal("operator", first.GetProperty("role").GetString());
        await client.PostAsJsonAsync("/api/setup", new { token = link.Groups[1].Value, name = "second", password = Password }).Expect(HttpStatusCode.Forbidden);
        using var session = await host.LoginAsync("first", Password);
        Assert.Equal("operator", (await session.GetAsync("/api/me").Expect(HttpStatusCode.OK)).GetProperty("role").GetString());
        // The token is printed for the person at the console, never put into the log.
        Assert.DoesNotContain(link.Groups[1].Value, host.Process.Text(), StringComparison.Ordinal); // never in the log
    }
}
