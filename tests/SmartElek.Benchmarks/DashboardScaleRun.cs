using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace SmartElek.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/SmartElek.Benchmarks -- scale dashboard [--chargers 1000] [--seconds 60]</c>:
/// the built Host (smartelek-site) as a process on a one-node site of N simulated chargers (panels of
/// 50, each charger on its own branch), and Debian's chromium (Playwright) on its dashboard. Prints
/// the first load (document, then live: the circuit running), what the page holds (cards, circuit
/// rows, DOM nodes), the time from a unit's state (the card's data-at, same clock) to the card in the
/// DOM (p50/p90/p99), and the Host's CPU without the page, with it open, and after it closed, with the load average.
/// </summary>
public sealed partial class DashboardScaleRun : IScaleRun
{
    private const string User = "bench";
    private const string Password = "bench password 1";

    private readonly Option<int> _chargers = ScaleOptions.Positive("--chargers", 1000, "Simulated chargers on the one node.");
    private readonly Option<int> _seconds = ScaleOptions.Positive("--seconds", 60, "How long each phase (without, then with the page) is measured.");

    public string Name => "dashboard";
    public string Description => "The dashboard on a one-node site of N chargers: first load, unit state to DOM p50/p99, the Host's CPU with and without the page.";
    public IEnumerable<Option> Options => [_chargers, _seconds];

    [GeneratedRegex(@"Operator dashboard and API at (http://127\.0\.0\.1:\d+)/")]
    private static partial Regex StartLine();

    public async Task RunAsync(ParseResult parse)
    {
        var chargers = parse.GetValue(_chargers);
        var seconds = parse.GetValue(_seconds);
        var work = Directory.CreateTempSubdirectory("smartelek-dashboard-scale-").FullName;
        try
        {
            var hostJson = WriteSite(work, chargers);
            using var host = StartHost(work, hostJson, out var output);
            var url = await WaitForAsync(() => StartLine().Match(output()) is { Success: true } m ? m.Groups[1].Value : null, TimeSpan.FromSeconds(120), "the Host's address", host);
            Console.WriteLine($"site of {chargers} chargers at {url}; letting vehicles arrive for {seconds} s");
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var idle = await CpuAsync(host, seconds);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = Environment.UserName == "root" ? ["--no-sandbox"] : [] });
            var page = await (await browser.NewContextAsync(new() { BaseURL = url, ViewportSize = new() { Width = 1440, Height = 900 } })).NewPageAsync();
            await page.GotoAsync("/login");
            await page.FillAsync("#user", User);
            await page.FillAsync("#password", Password);
            await page.ClickAsync("#sign-in");
            await Assertions.Expect(page.Locator("#live")).ToHaveAttributeAsync("data-live", "yes", new() { Timeout = 60_000 });

            var watch = Stopwatch.StartNew();
            await page.GotoAsync("/");
            var document = watch.Elapsed;
            await Assertions.Expect(page.Locator("#live")).ToHaveAttributeAsync("data-live", "yes", new() { Timeout = 60_000 });
            var live = watch.Elapsed;
            Console.WriteLine($"first load: document {document.TotalMilliseconds:0} ms, live {live.TotalMilliseconds:0} ms; cards {await page.Locator(".charger-card").CountAsync()}, " +
                              $"circuit rows {await page.Locator(".circuit-row").CountAsync()}, DOM nodes {await page.EvaluateAsync<int>("document.getElementsByTagName('*').length")}");

            // Each time a card's state changes in the DOM: now minus the time the unit produced that state; apart,
            // the changes a person waits for (offer, STATUS LED, session), which the publisher sends without its drift pacing.
            await page.EvaluateAsync("""
                () => { window.__all = []; window.__major = []; const seen = new WeakMap();
                  const key = c => [c.querySelector('[data-test=offered]')?.textContent, c.querySelector('[data-led=STATUS]')?.dataset.pattern, c.querySelector('[data-test=state]')?.textContent].join('|');
                  document.querySelectorAll('.charger-card').forEach(c => seen.set(c, key(c)));
                  new MutationObserver(ms => { const now = Date.now();
                    for (const m of ms) if (m.attributeName === 'data-at' && m.target.dataset.at) {
                      const latency = now - Number(m.target.dataset.at); window.__all.push(latency);
                      const k = key(m.target); if (seen.get(m.target) !== k) { seen.set(m.target, k); window.__major.push(latency); } } })
                  .observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-at'] }); }
                """);
            var open = await CpuAsync(host, seconds);
            foreach (var (what, list) in new[] { ("every change (meter drift included)", "__all"), ("offer, STATUS LED or session changes", "__major") })
            {
                var latency = (await page.EvaluateAsync<double[]>($"() => window.{list}")).Order().ToArray();
                if (latency.Length > 0)
                    Console.WriteLine($"unit state to DOM, {what}: n={latency.Length} p50={At(latency, 0.5):0} ms p90={At(latency, 0.9):0} ms p99={At(latency, 0.99):0} ms max={latency[^1]:0} ms");
            }
            // Without the page again: the simulated traffic changes over time, so the page's share is against both.
            await page.CloseAsync();
            var after = await CpuAsync(host, seconds);
            var without = (idle + after) / 2;
            Console.WriteLine($"Host CPU: {idle:P1} of a core without the page, {open:P1} with it open, {after:P1} after it closed: the page's push {open - without:+0.0 %;-0.0 %} of a core; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { /* still held: the temp folder keeps it */ }
        }
    }

    private static double At(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * q))];

    // Panels of 50 chargers, each on its own 40 A branch, under one feeder (the topology's own rules apply).
    private static string WriteSite(string work, int chargers)
    {
        var panels = new List<object>();
        for (int p = 0, n = 0; n < chargers; p++)
        {
            var branches = new List<object>();
            for (var b = 0; b < 50 && n < chargers; b++, n++)
                branches.Add(new { id = $"branch-{p + 1:00}-{b + 1:00}", kind = "branch", ratingAmps = 40, chargers = new[] { new { id = $"charger-{n + 1:0000}", ratingAmps = 30, lines = "L1-L2" } } });
            panels.Add(new { id = $"panel-{p + 1:00}", kind = "panel", ratingAmps = 400, children = branches });
        }
        var site = new { name = $"scale-{chargers}", phases = "split-phase", feeder = new { id = "feeder", kind = "feeder", ratingAmps = 1200, children = panels } };
        File.WriteAllText(Path.Combine(work, "site.json"), JsonSerializer.Serialize(site));
        var repoConfig = Path.Combine(AppContext.BaseDirectory, "config");
        File.Copy(Path.Combine(repoConfig, "akka.site.hocon"), Path.Combine(work, "akka.site.hocon"));
        var host = File.ReadAllText(Path.Combine(repoConfig, "host.json"));
        File.WriteAllText(Path.Combine(work, "host.json"), host);
        return Path.Combine(work, "host.json");
    }

    private static Process StartHost(string work, string hostJson, out Func<string> output)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "smartelek-site.dll"));
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(hostJson);
        info.Environment["SMARTELEK__Api__Url"] = "http://127.0.0.1:0";
        info.Environment["SMARTELEK__Site__Topology"] = "site.json";
        info.Environment["SMARTELEK__Console__LiveTable"] = "false";
        info.Environment["SMARTELEK_OPERATOR_USER"] = User;
        info.Environment["SMARTELEK_OPERATOR_PASSWORD"] = Password;
        var process = Process.Start(info)!;
        var text = new System.Text.StringBuilder();
        // Only the start line is wanted; the status lines of N chargers are read and dropped.
        process.OutputDataReceived += (_, e) => { if (e.Data?.Contains("Operator dashboard", StringComparison.Ordinal) == true) lock (text) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = () => { lock (text) return text.ToString(); };
        return process;
    }

    private static async Task<string> WaitForAsync(Func<string?> probe, TimeSpan within, string what, Process host)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && !host.HasExited)
        {
            if (probe() is { } value) return value;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"no {what} within {within.TotalSeconds:0} s");
    }

    /// <summary>The share of one core the process used over the next <paramref name="seconds"/>.</summary>
    private static async Task<double> CpuAsync(Process process, int seconds)
    {
        process.Refresh();
        var before = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalSeconds / watch.Elapsed.TotalSeconds;
    }
}
