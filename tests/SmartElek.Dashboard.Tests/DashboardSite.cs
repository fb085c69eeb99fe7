using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SmartElek.Dashboard.Tests;

/// <summary>Browser tests share one site and one browser; they start real processes, so they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DashboardCollection : ICollectionFixture<DashboardSite>
{
    public const string Name = "dashboard";
}

/// <summary>
/// The default site (six simulated chargers, simulated vehicles) as the built Host process in its own
/// folder, its dashboard on a free loopback port, and Debian's chromium driven headless by Playwright.
/// </summary>
public class DashboardSite : IAsyncLifetime
{
    public const string OperatorUser = "ops";
    public const string OperatorPassword = "correct horse battery staple";

    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-dashboard-").FullName;
    private ApiHost? _host;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>More of the site's environment (a subclass's site: other vehicles).</summary>
    protected virtual IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>();

    public Uri BaseAddress => _host!.BaseAddress;

    internal HostProcess Process => _host!.Process;

    /// <summary>Where each test keeps its screenshots: under the test output directory.</summary>
    public static string ScreenshotFolder { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        var environment = new Dictionary<string, string>
        {
            ["SMARTELEK_OPERATOR_USER"] = OperatorUser,
            ["SMARTELEK_OPERATOR_PASSWORD"] = OperatorPassword,
            // Every test signs in from 127.0.0.1; the default 10 a minute is for people.
            ["SMARTELEK__Api__LoginAttemptsPerMinute"] = "60",
        };
        foreach (var (key, value) in Environment) environment[key] = value;
        _host = await ApiHost.StartAsync(_workDir, environment);
        // A condition on the page may take a while on a machine busy with other test processes: the
        // assertions wait for it up to 20 s (as the actions do 30 s), never for a fixed time.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // Root has no user namespace sandbox for chromium here.
            Args = System.Environment.UserName == "root" ? ["--no-sandbox"] : [],
        });
    }

    /// <summary>A fresh browser context (its own cookies) with a page of a desktop's size, on this site or another.</summary>
    public async Task<IPage> NewPageAsync(Uri? site = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (site ?? BaseAddress).ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 960 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Waits until the page's circuit runs: from then on it is live and answers input.</summary>
    public static Task WaitUntilLiveAsync(IPage page) =>
        Assertions.Expect(page.Locator("#live")).ToHaveAttributeAsync("data-live", "yes");

    /// <summary>Signs in through the login form (the dashboard, live, follows when the login is right).</summary>
    public static async Task SignInAsync(IPage page, string user, string password)
    {
        await page.GotoAsync("/");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await page.FillAsync("#user", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
    }

    /// <summary>Adds a user through the operator API (as the operator, with the anti-forgery header its cookie session needs).</summary>
    public async Task CreateUserAsync(string name, string role, string password, params string[] chargers)
    {
        using var client = await OperatorClientAsync();
        var created = await client.PostAsJsonAsync("/api/users", new { name, role, password });
        Assert.True(created.IsSuccessStatusCode, $"creating {role} {name}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        if (chargers.Length == 0) return;
        var assigned = await client.PutAsJsonAsync($"/api/users/{id}/chargers", new { chargers });
        Assert.True(assigned.IsSuccessStatusCode, $"assigning {string.Join(", ", chargers)} to {name}: {(int)assigned.StatusCode} {await assigned.Content.ReadAsStringAsync()}");
    }

    /// <summary>Changes a user's role through the operator API.</summary>
    public async Task ChangeRoleAsync(string name, string role)
    {
        using var client = await OperatorClientAsync();
        var users = await client.GetFromJsonAsync<JsonElement>("/api/users");
        var id = users.EnumerateArray().Single(u => u.GetProperty("name").GetString() == name).GetProperty("id").GetString();
        var changed = await client.PatchAsJsonAsync($"/api/users/{id}", new { role });
        Assert.True(changed.IsSuccessStatusCode, $"making {name} a {role}: {(int)changed.StatusCode} {await changed.Content.ReadAsStringAsync()}");
    }

    // Signed in as the operator, with the anti-forgery header its cookie session's changes need.
    private async Task<HttpClient> OperatorClientAsync()
    {
        var client = _host!.Client();
        var login = await client.PostAsJsonAsync("/api/login", new { name = OperatorUser, password = OperatorPassword });
        login.EnsureSuccessStatusCode();
        var me = await login.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Add("X-XSRF-TOKEN", me.GetProperty("antiforgeryToken").GetString());
        return client;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        try { Directory.Delete(_workDir, recursive: true); } catch (IOException) { /* a file still held: the temp folder keeps it */ }
    }
}
