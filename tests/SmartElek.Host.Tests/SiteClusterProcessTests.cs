using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace SmartElek.Host.Tests;

[CollectionDefinition("host-processes", DisableParallelization = true)]
public sealed class HostProcessCollection;

/// <summary>
/// The site of config/site.json as three processes (config/host.node1..3.json, two chargers each),
/// on loopback ports picked free for the test instead of 4501..4503.
/// </summary>
[Collection("host-processes")]
public sealed partial class SiteClusterProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-site3-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["SMARTELEK__Simulation__MeanArrivalSeconds"] = "1",
        ["SMARTELEK__Console__RefreshMilliseconds"] = "1000",
    };

    [GeneratedRegex(@"(charger-\d) pilot=\w+ status-led=""[^""]*"" granted=([\d.]+)A grant-epoch=(\d+)")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"circuit ([\w-]+) line=(\w+) granted=([\d.]+)A may-draw=([\d.]+)A limit=([\d.]+)A")]
    private static partial Regex CircuitLine();

    [Fact]
    public async Task Three_processes_form_one_site_every_charger_gets_a_grant_and_no_circuit_is_over_its_limit()
    {
        var hostFiles = LoopbackSite.WriteConfig(_workDir);

        var nodes = hostFiles.Select(file => HostProcess.Start(_workDir, file, Environment)).ToList();
        try
        {
            var chargers = Enumerable.Range(1, 6).Select(i => $"charger-{i}").ToList();
            var granted = new HashSet<string>();
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (granted.Count < chargers.Count && DateTime.UtcNow < deadline && nodes.All(n => !n.Process.HasExited))
            {
                await Task.Delay(500);
                foreach (Match m in nodes.SelectMany(n => StatusLine().Matches(n.Text())))
                    if (long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) > 0) granted.Add(m.Groups[1].Value);
            }
            Assert.True(granted.Count == chargers.Count,
                $"chargers with an allocator's grant: {string.Join(", ", granted.Order())}\n{nodes[0].Text()[^Math.Min(4000, nodes[0].Text().Length)..]}");

            // Let the site charge for a while, with vehicles coming and going, then check every
            // circuit line printed: the granted amps always within the limit; what the chargers may
            // draw too, once every charger has reported (before, the allocator counts an unheard
            // charger at its full rating while it sits at its fail-safe 0 A).
            var allReported = nodes.Select(n => n.Text().Length).ToList();
            // Measured over three rounds of every node's summary (every 5 s: 9 circuits x 2 lines each).
            var observe = DateTime.UtcNow.AddSeconds(120);
            while (nodes.Select((n, i) => CircuitLine().Matches(n.Text()[allReported[i]..]).Count).Any(lines => lines < 3 * 18))
            {
                Assert.True(DateTime.UtcNow < observe && nodes.All(n => !n.Process.HasExited), "the nodes stopped printing their circuits");
                await Task.Delay(500);
            }
            var circuits = nodes.SelectMany(n => CircuitLine().Matches(n.Text())).ToList();
            Assert.NotEmpty(circuits);
            foreach (var m in circuits)
            {
                var grantedAmps = double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
                var limit = double.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture);
                Assert.True(grantedAmps <= limit + 0.05, $"granted over its limit: {m.Value}");
            }
            var later = nodes.SelectMany((n, i) => CircuitLine().Matches(n.Text()[allReported[i]..])).ToList();
            Assert.NotEmpty(later);
            foreach (var m in later)
            {
                var mayDraw = double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
                var limit = double.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture);
                Assert.True(mayDraw <= limit + 0.05, $"may draw over its limit: {m.Value}");
            }
            Assert.Contains(circuits, m => m.Groups[1].Value == "feeder" && double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) > 0);
            output.WriteLine($"{granted.Count} chargers granted; {circuits.Count} circuit lines within their limits; last feeder line: " +
                circuits.Last(m => m.Groups[1].Value == "feeder").Value);

            foreach (var node in nodes)
                await node.SendInterruptAsync();
            var codes = await Task.WhenAll(nodes.Select(n => n.WaitForExitAsync(TimeSpan.FromSeconds(60), "No clean stop after Ctrl+C")));
            Assert.All(codes, code => Assert.Equal(0, code));
            Assert.All(nodes, node => Assert.DoesNotContain("Exception", node.Errors()));
        }
        finally
        {
            foreach (var node in nodes)
                node.Dispose();
        }
    }
}
