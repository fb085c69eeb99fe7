using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.Remote;
using Akka.Remote.Transport;
using SmartElek.Actors.Charger;
using SmartElek.Actors.Site;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Simulation;
using SmartElek.Site.Topology;

namespace SmartElek.TestSupport;

public static class SiteTestSupport
{
    /// <summary>The cluster tests' site: chargers a, b and c (30 A), each on its own 40 A branch under one feeder.</summary>
    public static SiteTopology ThreeBranches(string name, double feederAmps) => SiteTopology.FromSpec(new SiteSpec
    {
        Name = name,
        Feeder = new CircuitSpec
        {
            Id = "feeder", RatingAmps = feederAmps,
            Children = [.. new[] { "a", "b", "c" }.Select(id => new CircuitSpec
            {
                Id = $"branch-{id}", RatingAmps = 40, Chargers = [new ChargerSpec { Id = id }],
            })],
        },
    });

    public static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SmartElek.Site.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        return Path.Combine(dir.FullName, relative);
    }

    public static Config SiteHocon => SiteCluster.LoadHocon(RepoFile("config/akka.site.hocon"));

    /// <summary>The site hocon for cluster tests: throttling transport, short SBR and failure detection, no exit.</summary>
    public static Config FastClusterHocon => ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.remote.dot-netty.tcp.applied-adapters = [trttl]
        akka.cluster.split-brain-resolver.stable-after = 3s
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 3s
        akka.coordinated-shutdown.exit-clr = off
        """).WithFallback(SiteHocon);

    /// <summary>A TCP port free now on 127.0.0.1 (for a node that must come back at the same address).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static RemoteTransport TransportOf(ActorSystem system) =>
        ((RemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport;

    /// <summary>Drops (or lets through again) everything between <paramref name="system"/> and <paramref name="peer"/>, seen from <paramref name="system"/>.</summary>
    public static async Task Throttle(ActorSystem system, Address peer, bool blackhole)
    {
        ThrottleMode mode = blackhole ? Blackhole.Instance : Unthrottled.Instance;
        if (!await TransportOf(system).ManagementCommand(new SetThrottle(peer, ThrottleTransportAdapter.Direction.Both, mode)))
            throw new InvalidOperationException($"could not throttle {peer} on {system.Name}");
    }

    public static async Task WaitFor(string what, TimeSpan timeout, Func<bool> condition)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}");
            await Task.Delay(100);
        }
    }

    public static async Task WaitForAsync(string what, TimeSpan timeout, Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>A real charger unit on simulated hardware in its own local ActorSystem (real time).</summary>
    public sealed record UnitUnderTest(ActorSystem System, IActorRef Unit, SimulatedCharger Board)
    {
        public static UnitUnderTest Start(ChargerId id)
        {
            var system = ActorSystem.Create($"unit-{id.Value}", "akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING");
            var board = new SimulatedCharger(ChargerClock.Of(system));
            var unit = system.ActorOf(ChargerUnit.Props(id, board, ChargerSettings.Factory with { AutoStart = true, Name = id.Value }), "unit");
            return new UnitUnderTest(system, unit, board);
        }

        public Task<ChargerStatus> Status() => Unit.Ask<ChargerStatus>(ChargerProtocol.GetStatus.Instance, TimeSpan.FromSeconds(5));

        public SiteUnit AsSiteUnit(ChargerId id) => new(id, Unit);
    }
}
