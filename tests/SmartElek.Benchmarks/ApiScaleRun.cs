using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SmartElek.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/SmartElek.Benchmarks -- scale api [--chargers 1000] [--rate 200] [--seconds 60]</c>:
/// the built Host on a one-node site of N simulated chargers, and an open-loop load of R requests a
/// second with a bearer token: a page of the charger table, one charger, the circuits, the site, in
/// turn. A request is sent at its planned time whether or not the ones before it were answered, and
/// its latency counts from that time, so a slow answer cannot hide the requests queued behind it.
/// Prints p50/p90/p99/max per endpoint and in all, errors, and the Host's CPU under the load.
/// </summary>
public sealed class ApiScaleRun : IScaleRun
{
    private const string User = "bench";
    private const string Password = "bench password 1";

    private readonly Option<int> _chargers = ScaleOptions.Positive("--chargers", 1000, "Simulated chargers on the one node.");
    private readonly Option<int> _rate = ScaleOptions.Positive("--rate", 200, "Requests per second, sent open-loop.");
    private readonly Option<int> _seconds = ScaleOptions.Positive("--seconds", 60, "How long the load runs (after 10 s of warm-up).");

    public string Name => "api";
    public string Description => "The operator API on a one-node site of N chargers under an open-loop load of R requests/s: latency p50/p99 per endpoint, the Host's CPU.";
    public IEnumerable<Option> Options => [_chargers, _rate, _seconds];

    public async Task RunAsync(ParseResult parse)
    {
        var (chargers, rate, seconds) = (parse.GetValue(_chargers), parse.GetValue(_rate), parse.GetValue(_seconds));
        var work = Directory.CreateTempSubdirectory("smartelek-api-scale-").FullName;
        try
        {
            var hostJson = ScaleHost.WriteSite(work, chargers);
            using var host = ScaleHost.Start(work, hostJson, User, Password, out var output);
            var url = await ScaleHost.WaitForAsync(() => ScaleHost.StartLine().Match(output()) is { Success: true } m ? m.Groups[1].Value : null,
                TimeSpan.FromSeconds(120), "the Host's address", host);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseCookies = false }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(url));
            await ScaleHost.WaitForAsync(() => LiveChargers(http) >= chargers ? "live" : null, TimeSpan.FromSeconds(180), $"{chargers} live chargers", host);
            Console.WriteLine($"site of {chargers} chargers at {url}, all live; {rate} requests/s for {seconds} s after 10 s of warm-up");

            var paths = Paths(chargers);
            await LoadAsync(http, paths, rate, 10); // warm-up: connections, JIT, caches
            var cpu = ScaleHost.CpuAsync(host, seconds);
            var results = await LoadAsync(http, paths, rate, seconds);
            var hostCpu = await cpu;

            foreach (var group in results.GroupBy(r => r.Endpoint).OrderBy(g => g.Key, StringComparer.Ordinal).Append(results.GroupBy(_ => "all").Single()))
            {
                var ok = group.Where(r => r.Ok).Select(r => r.Ms).Order().ToArray();
                var errors = group.Count(r => !r.Ok);
                Console.WriteLine(ok.Length == 0
                    ? $"{group.Key,-22} n={group.Count()} every request failed"
                    : $"{group.Key,-22} n={group.Count()} p50={ScaleHost.At(ok, 0.5):0.0} ms p90={ScaleHost.At(ok, 0.9):0.0} ms p99={ScaleHost.At(ok, 0.99):0.0} ms max={ok[^1]:0.0} ms errors={errors}");
            }
            var achieved = results.Count / (double)seconds;
            Console.WriteLine($"sent {achieved:0.0} requests/s; Host CPU {hostCpu:P0} of a core; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { /* still held: the temp folder keeps it */ }
        }
    }

    private sealed record Result(string Endpoint, double Ms, bool Ok);

    // What an operator's program or page reads, in turn: a page of the table, one charger, the circuits, the site.
    private static (string Endpoint, string Path)[] Paths(int chargers)
    {
        var random = new Random(4500);
        return Enumerable.Range(0, 400).Select(i => (i % 4) switch
        {
            0 => ("GET /api/chargers", $"/api/chargers?page={random.Next(1, chargers / 50 + 1)}&pageSize=50"),
            1 => ("GET /api/chargers/{id}", $"/api/chargers/charger-{random.Next(1, chargers + 1):0000}"),
            2 => ("GET /api/circuits", "/api/circuits"),
            _ => ("GET /api/site", "/api/site"),
        }).ToArray();
    }

    private static async Task<List<Result>> LoadAsync(HttpClient http, (string Endpoint, string Path)[] paths, int rate, int seconds)
    {
        var total = rate * seconds;
        var tasks = new List<Task<Result>>(total);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var planned = TimeSpan.FromSeconds(i / (double)rate);
            var wait = planned - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            var (endpoint, path) = paths[i % paths.Length];
            tasks.Add(SendAsync(http, endpoint, path, clock, planned));
        }
        return [.. await Task.WhenAll(tasks)];
    }

    private static async Task<Result> SendAsync(HttpClient http, string endpoint, string path, Stopwatch clock, TimeSpan planned)
    {
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
            return new Result(endpoint, (clock.Elapsed - planned).TotalMilliseconds, response.IsSuccessStatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Result(endpoint, (clock.Elapsed - planned).TotalMilliseconds, false);
        }
    }

    private static int LiveChargers(HttpClient http)
    {
        try
        {
            var site = http.GetFromJsonAsync<JsonElement>("/api/site").GetAwaiter().GetResult();
            return site.GetProperty("chargers").GetProperty("live").GetInt32();
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    // A bearer token, as a program would hold one: sign in once, create the token, use it for every request.
    private static async Task<string> TokenAsync(string url)
    {
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = new Uri(url) };
        var login = await browser.PostAsJsonAsync("/api/login", new { name = User, password = Password });
        login.EnsureSuccessStatusCode();
        var me = await login.Content.ReadFromJsonAsync<JsonElement>();
        browser.DefaultRequestHeaders.Add("X-XSRF-TOKEN", me.GetProperty("antiforgeryToken").GetString());
        var created = await browser.PostAsJsonAsync("/api/tokens", new { name = "scale run" });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }
}
