using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace SmartElek.TestSupport;

/// <summary>
/// The built Host as a process in its own work folder (its own SQLite file), its API on a free
/// loopback port that the test reads from the start line the console prints.
/// </summary>
public sealed partial class ApiHost : IAsyncDisposable
{
    public HostProcess Process { get; }
    public Uri BaseAddress { get; private set; } = null!;
    public string WorkDir { get; }

    private ApiHost(HostProcess process, string workDir)
    {
        Process = process;
        WorkDir = workDir;
    }

    [GeneratedRegex(@"Operator dashboard and API at (http://127\.0\.0\.1:\d+)/")]
    private static partial Regex StartLine();

    [GeneratedRegex(@"granting nothing new until every charger reported or (\S+)")]
    private static partial Regex AllocatorStart();

    /// <summary>For each allocator this process started (its log line): until when it counts a charger it has not heard at its full rating.</summary>
    public IReadOnlyList<DateTimeOffset> OldLeasesOverAt() =>
        [.. AllocatorStart().Matches(Process.Text()).Select(m => DateTimeOffset.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>Starts the site of <paramref name="hostJson"/> (default: the repository's config/host.json) and waits for its API.</summary>
    public static async Task<ApiHost> StartAsync(string workDir, IReadOnlyDictionary<string, string>? environment = null, string? hostJson = null)
    {
        var env = new Dictionary<string, string> { ["SMARTELEK__Console__LiveTable"] = "false" };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) env[k] = v;
        var process = HostProcess.Start(workDir, hostJson ?? Repository.Config("host.json"), env);
        var host = new ApiHost(process, workDir);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !process.Process.HasExited)
        {
            if (StartLine().Match(process.Text()) is { Success: true } m)
            {
                host.BaseAddress = new Uri(m.Groups[1].Value);
                return host;
            }
            await Task.Delay(50);
        }
        var text = process.Text();
        process.Dispose();
        throw new Xunit.Sdk.XunitException($"The Host printed no API address.\nstdout:\n{text}\nstderr:\n{process.Errors()}");
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        return client;
    }

    /// <summary>A browser session: signed in with a cookie, the anti-forgery token on every request.</summary>
    public async Task<HttpClient> LoginAsync(string name, string password)
    {
        var client = Client();
        var response = await client.PostAsJsonAsync("/api/login", new { name, password });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"login of {name}: {(int)response.StatusCode} {text}");
        var token = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("antiforgeryToken").GetString()!;
        client.DefaultRequestHeaders.Add("X-XSRF-TOKEN", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.Process.HasExited)
        {
            try { await Process.InterruptAsync(); }
            catch (Xunit.Sdk.XunitException) { /* killed below */ }
        }
        Process.Dispose();
    }
}
