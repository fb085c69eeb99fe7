using System.Net;
using System.Net.Sockets;

namespace SmartElek.TestSupport;

/// <summary>
/// The site of config/site.json as several nodes of config/host.node1..3.json, on cluster ports picked
/// free for the test instead of 4501..4503: the configuration is copied into <c>{workDir}/config</c>.
/// </summary>
public static class LoopbackSite
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

    /// <summary>Writes the first <paramref name="nodes"/> node files (all three seeds in each) and returns their paths.</summary>
    public static IReadOnlyList<string> WriteConfig(string workDir, int nodes = 3)
    {
        var config = Directory.CreateDirectory(Path.Combine(workDir, "config")).FullName;
        foreach (var file in new[] { "site.json", "akka.site.hocon" })
            File.Copy(Repository.Config(file), Path.Combine(config, file), overwrite: true);
        var ports = new[] { FreePort(), FreePort(), FreePort() };
        var files = new List<string>();
        for (var n = 1; n <= nodes; n++)
        {
            var json = File.ReadAllText(Repository.Config($"host.node{n}.json"));
            for (var k = 1; k <= 3; k++) json = json.Replace($"127.0.0.1:{4500 + k}", $"127.0.0.1:{ports[k - 1]}").Replace($"\"Port\": {4500 + k}", $"\"Port\": {ports[k - 1]}");
            var path = Path.Combine(config, $"host.node{n}.json");
            File.WriteAllText(path, json);
            files.Add(path);
        }
        return files;
    }
}
