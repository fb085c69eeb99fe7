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
public sealed class DashboardScaleRun : IScaleRun
{
    private const string User = "bench";
    private const string Password = "bench password 1";

    private readonly Option<int> _chargers = ScaleOptions.Positive("--chargers", 1000, "Simulated chargers on the one node.");
    private readonly Option<int> _seconds = ScaleOptions.Positive("--seconds", 60, "How long each phase (without, then with the page) is measured.");

    public string Name => "dashboard";
    public string Description => "The dashboard on a one-node site of N chargers: first load, unit state to DOM p50/p99, the Host's CPU with and without the page.";
    public IEnumerable<Option> Options => [_chargers, _seconds];

    public async Task RunAsync(ParseResult parse)
    {
        var chargers = parse.GetValue(_chargers);
        var seconds = parse.GetValue(_seconds);
        var work = Directory.CreateTempSubdirectory("smartelek-dashboard-scale-").FullName;
        try
        {
            var hostJson = ScaleHost.WriteSite(work, chargers);
            using var host = ScaleHost.Start(work, hostJson, User, Password, out var output);
            var url = await ScaleHost.WaitForAsync(() => ScaleHost.StartLine().Match(output()) is { Success: true } m ? m.Groups[1].Value : null, TimeSpan.FromSeconds(120), "the Host's address", host);
            Console.WriteLine($"site of {chargers} chargers at {url}; letting vehicles arrive for {seconds} s");
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var idle = await ScaleHost.CpuAsync(host, seconds);

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
            var open = await ScaleHost.CpuAsync(host, seconds);
            foreach (var (what, list) in new[] { ("every change (meter drift included)", "__all"), ("offer, STATUS LED or session changes", "__major") })
            {
                var latency = (await page.EvaluateAsync<double[]>($"() => window.{list}")).Order().ToArray();
                if (latency.Length > 0)
                    Console.WriteLine($"unit state to DOM, {what}: n={latency.Length} p50={ScaleHost.At(latency, 0.5):0} ms p90={ScaleHost.At(latency, 0.9):0} ms p99={ScaleHost.At(latency, 0.99):0} ms max={latency[^1]:0} ms");
            }
            // Without the page again: the simulated traffic changes over time, so the page's share is against both.
            await page.CloseAsync();
            var after = await ScaleHost.CpuAsync(host, seconds);
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
}
