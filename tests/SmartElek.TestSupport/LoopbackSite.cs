using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SmartElek.TestSupport;

/// <summary>
/// The site of config/site.json as several nodes of config/host.node1..3.json, on cluster ports picked
/// free for the test instead of 4501..4503: the configuration is copied into <c>{workDir}/config</c>.
/// </summary>
public static partial class LoopbackSite
{
    /// <summary>A TCP port free now on 127.0.0.1.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary><paramref name="count"/> distinct TCP ports free now on 127.0.0.1.</summary>
    public static IReadOnlyList<int> FreePorts(int count)
    {
        var ports = new List<int>();
        while (ports.Count < count)
            if (FreePort() is var port && !ports.Contains(port)) ports.Add(port);
        return ports;
    }

    /// <summary>
    /// Writes the first <paramref name="nodes"/> node files (all three seeds in each) and returns their paths; the
    /// nodes' ports are <paramref name="ports"/> when given, else three distinct ports free now.
    /// </summary>
    public static IReadOnlyList<string> WriteConfig(string workDir, int nodes = 3, IReadOnlyList<int>? ports = null)
    {
        var config = Directory.CreateDirectory(Path.Combine(workDir, "config")).FullName;
        foreach (var file in new[] { "site.json", "akka.site.hocon" })
            File.Copy(Repository.Config(file), Path.Combine(config, file), overwrite: true);
        if (ports is { Count: not 3 }) throw new ArgumentException("three ports, one per node file", nameof(ports));
        var port = ports ?? FreePorts(3);
        var files = new List<string>();
        for (var n = 1; n <= nodes; n++)
        {
            // One pass: a port put in is never matched again (port 45031 for node 2 once became 436011 when 4503 was replaced after it).
            var json = NodePort().Replace(File.ReadAllText(Repository.Config($"host.node{n}.json")),
                m => m.Value[..^4] + port[m.Value[^1] - '1'].ToString(System.Globalization.CultureInfo.InvariantCulture));
            var path = Path.Combine(config, $"host.node{n}.json");
            File.WriteAllText(path, json);
            files.Add(path);
        }
        return files;
    }

    // The shipped node ports, 4501..4503, in a seed address or as a node's own port.
    [GeneratedRegex(@"(?:127\.0\.0\.1:|""Port"": )450[123]\b")]
    private static partial Regex NodePort();
}
