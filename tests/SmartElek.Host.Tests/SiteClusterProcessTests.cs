using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
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

    private sealed record Node(Process Process, StringBuilder Out, StringBuilder Err);

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private Node Start(string hostJson)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = _workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "smartelek-site.dll"));
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(hostJson);
        info.Environment["SMARTELEK__Simulation__MeanArrivalSeconds"] = "1";
        info.Environment["SMARTELEK__Console__RefreshMilliseconds"] = "1000";
        var process = Process.Start(info)!;
        var node = new Node(process, new StringBuilder(), new StringBuilder());
        process.OutputDataReceived += (_, e) => { lock (node.Out) node.Out.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (node.Err) node.Err.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    private static string Text(StringBuilder b) { lock (b) return b.ToString(); }

    [GeneratedRegex(@"(charger-\d) pilot=\w+ status-led=""[^""]*"" granted=([\d.]+)A grant-epoch=(\d+)")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"circuit ([\w-]+) line=(\w+) granted=([\d.]+)A may-draw=([\d.]+)A limit=([\d.]+)A")]
    private static partial Regex CircuitLine();

    [Fact]
    public async Task Three_processes_form_one_site_every_charger_gets_a_grant_and_no_circuit_is_over_its_limit()
    {
        var config = Path.Combine(_workDir, "config");
        Directory.CreateDirectory(config);
        foreach (var file in new[] { "site.json", "akka.site.hocon" })
            File.Copy(Repository.Config(file), Path.Combine(config, file));
        var ports = new[] { FreePort(), FreePort(), FreePort() };
        for (var n = 1; n <= 3; n++)
        {
            var json = File.ReadAllText(Repository.Config($"host.node{n}.json"));
            for (var k = 1; k <= 3; k++) json = json.Replace($"127.0.0.1:{4500 + k}", $"127.0.0.1:{ports[k - 1]}").Replace($"\"Port\": {4500 + k}", $"\"Port\": {ports[k - 1]}");
            File.WriteAllText(Path.Combine(config, $"host.node{n}.json"), json);
        }

        var nodes = Enumerable.Range(1, 3).Select(n => Start(Path.Combine(config, $"host.node{n}.json"))).ToList();
        try
        {
            var chargers = Enumerable.Range(1, 6).Select(i => $"charger-{i}").ToList();
            var granted = new HashSet<string>();
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (granted.Count < chargers.Count && DateTime.UtcNow < deadline && nodes.All(n => !n.Process.HasExited))
            {
                await Task.Delay(500);
                foreach (Match m in nodes.SelectMany(n => StatusLine().Matches(Text(n.Out))))
                    if (long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) > 0) granted.Add(m.Groups[1].Value);
            }
            Assert.True(granted.Count == chargers.Count,
                $"chargers with an allocator's grant: {string.Join(", ", granted.Order())}\n{Text(nodes[0].Out)[^Math.Min(4000, Text(nodes[0].Out).Length)..]}");

            // Let the site charge for a while, with vehicles coming and going, then check every
            // circuit line printed: the granted amps always within the limit; what the chargers may
            // draw too, once every charger has reported (before, the allocator counts an unheard
            // charger at its full rating while it sits at its fail-safe 0 A).
            var allReported = nodes.Select(n => Text(n.Out).Length).ToList();
            await Task.Delay(TimeSpan.FromSeconds(15));
            var circuits = nodes.SelectMany(n => CircuitLine().Matches(Text(n.Out))).ToList();
            Assert.NotEmpty(circuits);
            foreach (var m in circuits)
            {
                var grantedAmps = double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
                var limit = double.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture);
                Assert.True(grantedAmps <= limit + 0.05, $"granted over its limit: {m.Value}");
            }
            var later = nodes.SelectMany((n, i) => CircuitLine().Matches(Text(n.Out)[allReported[i]..])).ToList();
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
                using (var kill = Process.Start("kill", ["-INT", node.Process.Id.ToString(CultureInfo.InvariantCulture)])!)
                    await kill.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            foreach (var node in nodes)
            {
                await node.Process.WaitForExitAsync(cts.Token);
                Assert.Equal(0, node.Process.ExitCode);
                Assert.DoesNotContain("Exception", Text(node.Err));
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                if (!node.Process.HasExited) node.Process.Kill(entireProcessTree: true);
                node.Process.Dispose();
            }
        }
    }
}
