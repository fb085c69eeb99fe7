using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using SmartElek.Actors.Charger;
using SmartElek.Charger.Leds;
using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;

namespace SmartElek.Actors.Site;

/// <summary>How one node joins the site's cluster.</summary>
public sealed record SiteNodeSettings
{
    public const string DefaultSystemName = "smartelek-site";

    /// <summary>The clustered ActorSystem's name; every node of a site uses the same one (it is part of the seed addresses).</summary>
    public string SystemName { get; init; } = DefaultSystemName;

    /// <summary>config/akka.site.hocon as <see cref="SiteCluster.LoadHocon"/> reads it; hostname and port are put in front of it.</summary>
    public required Config Hocon { get; init; }

    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>0 = any free port (then a restarted life gets another address).</summary>
    public int Port { get; init; }

    /// <summary>akka.tcp://system@host:port of the seed nodes; empty: this node founds the site.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>The configuration file's topology: the site's seed, and what the node goes by until the topology keeper answers.</summary>
    public required SiteTopology Topology { get; init; }

    /// <summary>The node's live topology, shared with the operator's app; null: one of the membership's own.</summary>
    public LiveTopology? Live { get; init; }
    public LeasePolicy Lease { get; init; } = LeasePolicy.Default;
    public AllocationPolicy? Allocation { get; init; }
    public TimeSpan ReallocateEvery { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Extra setups of every life's ActorSystem (e.g. the host's logger factory).</summary>
    public IReadOnlyList<Akka.Actor.Setup.Setup> Setups { get; init; } = [];

    /// <summary>How long a downed node waits before it starts its next cluster life.</summary>
    public TimeSpan RejoinDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Services started in every life after the members (the operator's site view).</summary>
    public IReadOnlyList<ISiteLifeService> LifeServices { get; init; } = [];
}

/// <summary>A charger unit this node runs (in its local unit ActorSystem).</summary>
public sealed record SiteUnit(ChargerId Id, IActorRef Unit);

/// <summary>One cluster ActorSystem of this node, from start to termination.</summary>
public sealed record SiteLife(int Number, Address Address, DateTimeOffset StartedAt)
{
    public DateTimeOffset? UpAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
}

/// <summary>
/// The site-facing life of a node's charger units (docs/site.md, "Two ActorSystems per node").
/// The units run in the node's local ActorSystem and never stop for the cluster's sake; this
/// component owns a second, clustered ActorSystem with the allocator singleton (manager and proxy,
/// the same on every node), one <see cref="SiteMember"/> and one <see cref="ChargerSiteLink"/> per
/// unit. When the split brain resolver downs the node, that system terminates: every member's
/// PostStop sends its unit the fail-safe grant, and after <see cref="SiteNodeSettings.RejoinDelay"/>
/// a new life starts and joins the seeds again, by itself.
/// <para>The owner ends it with <see cref="StopAsync"/> (a graceful leave); the CLR's exit hook does
/// not, so that a stopping process is not mistaken for a downing.</para>
/// <para>A later life never founds a cluster of its own: it joins through the other seeds only, so
/// a node cut off from the rest cannot start a second allocator and hand out amps twice.</para>
/// </summary>
public sealed class SiteMembership : IAsyncDisposable
{
    readonly SiteNodeSettings settings;
    readonly List<SiteUnit> units;
    readonly LiveTopology live;
    IActorRef? commissioning;
    readonly LeftUnits left = new();
    readonly Action<string> log;
    readonly object gate = new();
    readonly List<SiteLife> lives = [];
    ActorSystem? system;
    IActorRef? proxy;
    bool stopping;

    /// <param name="log">Gets one line per life event; exceptions it throws are ignored.</param>
    public SiteMembership(SiteNodeSettings settings, IEnumerable<SiteUnit> units, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.settings = settings with { Lease = settings.Lease.Validate() };
        // A unit outside the topology is pending: it waits to be commissioned (NodeCommissioning).
        this.units = [.. units];
        live = settings.Live ?? new LiveTopology(settings.Topology);
        foreach (var seed in settings.Seeds)
            _ = ParseSeed(seed);
        var sink = log ?? (_ => { });
        this.log = line =>
        {
            try
            {
                sink(line);
            }
#pragma warning disable CA1031 // a faulty log sink must not stop the node from rejoining
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        };
    }

    /// <summary>The cluster ActorSystem of the current life (null between lives and after stop).</summary>
    public ActorSystem? System
    {
        get { lock (gate) return system; }
    }

    /// <summary>The allocator singleton's proxy of the current life (dashboard: <c>GetLedger</c>).</summary>
    public IActorRef? AllocatorProxy
    {
        get { lock (gate) return proxy; }
    }

    /// <summary>The node's current topology version.</summary>
    public LiveTopology Live => live;

    /// <summary>A unit powered up on this node while it runs: pending until the operator places it (or joined at once if it is placed).</summary>
    public void AddUnit(SiteUnit unit)
    {
        lock (gate)
        {
            if (units.Any(u => u.Id == unit.Id)) return;
            units.Add(unit);
            commissioning?.Tell(new NodeCommissioningProtocol.UnitAdded(unit));
        }
    }

    /// <summary>Every life so far, the current one last.</summary>
    public IReadOnlyList<SiteLife> Lives
    {
        get { lock (gate) return [.. lives]; }
    }

    /// <summary>Raised (on a pool thread) when a life starts, comes up or ends.</summary>
    public event Action<SiteLife>? LifeChanged;

    /// <summary>Starts the first life. Returns once its ActorSystem runs (joining goes on in the background).</summary>
    public Task StartAsync()
    {
        StartLife();
        return Task.CompletedTask;
    }

    /// <summary>Leaves the cluster gracefully (the singleton hands over) and starts no new life.</summary>
    public async Task StopAsync()
    {
        ActorSystem? current;
        lock (gate)
        {
            if (stopping) current = null;
            else
            {
                stopping = true;
                current = system;
            }
        }
        if (current is not null)
            await CoordinatedShutdown.Get(current).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    static Address ParseSeed(string seed) =>
        Address.TryParse(seed, out var address) && address.Protocol == "akka.tcp"
            ? address
            : throw new ArgumentException($"seed '{seed}' is not an akka.tcp://system@host:port address");

    void StartLife()
    {
        lock (gate)
        {
            if (stopping) return;
            var number = lives.Count + 1;
            var config = ConfigurationFactory.ParseString($"""
                akka.remote.dot-netty.tcp.hostname = "{settings.Hostname}"
                akka.remote.dot-netty.tcp.port = {settings.Port}
                akka.cluster.seed-nodes = []
                akka.coordinated-shutdown.exit-clr = off
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                """).WithFallback(settings.Hocon);
            var next = ActorSystem.Create(settings.SystemName,
                Akka.Actor.Setup.ActorSystemSetup.Create([.. settings.Setups]).And(BootstrapSetup.Create().WithConfig(config)));
            var cluster = Cluster.Get(next);
            var self = cluster.SelfAddress;
            var life = new SiteLife(number, self, DateTimeOffset.UtcNow);
            lives.Add(life);
            system = next;

            proxy = SiteCluster.StartAllocator(next, settings.Topology, settings.Lease, settings.Allocation, settings.ReallocateEvery, live: live);
            var joined = new List<SiteLifeUnit>(units.Count);
            var topology = live.Current.Topology;
            foreach (var unit in units)
            {
                if (!topology.ChargerById.TryGetValue(unit.Id, out var placement)) continue;
                var name = Uri.EscapeDataString(unit.Id.Value);
                var failSafe = placement.FailSafeAmps;
                var member = next.ActorOf(SiteMember.Props(unit.Id, failSafe, unit.Unit, proxy, settings.Lease, settings.Allocation), $"member-{name}");
                var link = next.ActorOf(ChargerSiteLink.Props(unit.Unit, member), $"link-{name}");
                joined.Add(new SiteLifeUnit(unit.Id, unit.Unit, member, link));
                unit.Unit.Tell(new ChargerProtocol.SetNetworkIndication(NetworkIndication.Searching));
            }
            foreach (var service in settings.LifeServices)
                service.Start(new SiteLifeStart(number, next, proxy, topology, joined, [.. units]));
            commissioning = next.ActorOf(NodeCommissioning.Props(units, joined, live, proxy, settings.Lease, settings.Allocation, left), NodeCommissioningProtocol.Name);

            // Seeds are written akka.tcp://; a transport adapter (tests' trttl) changes the protocol of every address.
            var seeds = settings.Seeds.Select(ParseSeed).Select(a => new Address(self.Protocol, a.System, a.Host, a.Port)).ToList();
            // The first life may found the site (self first in the seeds, or no seeds); a later
            // one only joins the others, or a cut-off node would form an island with its own allocator.
            if (number > 1) seeds = [.. seeds.Where(s => s != self)];
            if (seeds.Count == 0) cluster.Join(self);
            else cluster.JoinSeedNodes(seeds);

            cluster.RegisterOnMemberUp(() => OnUp(number));
            next.WhenTerminated.ContinueWith(_ => OnTerminated(number), TaskScheduler.Default);
            log($"Site life {number} started at {self}, joining {(seeds.Count == 0 ? "itself" : string.Join(", ", seeds))}");
            Raise(life);
        }
    }

    void OnUp(int number)
    {
        SiteLife life;
        lock (gate)
        {
            life = lives[number - 1] = lives[number - 1] with { UpAt = DateTimeOffset.UtcNow };
        }
        var topology = live.Current.Topology;
        List<SiteUnit> all;
        lock (gate) all = [.. units];
        foreach (var unit in all.Where(u => topology.ChargerById.ContainsKey(u.Id)))
            unit.Unit.Tell(new ChargerProtocol.SetNetworkIndication(NetworkIndication.Connected));
        log($"Site life {number} is up at {life.Address}");
        Raise(life);
    }

    async Task OnTerminated(int number)
    {
        SiteLife life;
        bool again;
        lock (gate)
        {
            life = lives[number - 1] = lives[number - 1] with { EndedAt = DateTimeOffset.UtcNow };
            again = !stopping;
            system = null;
            proxy = null;
            commissioning = null;
        }
        Raise(life);
        if (!again) return;
        // A downed node's coordinated shutdown may leave an exit code behind; the process goes on.
        Environment.ExitCode = 0;
        List<SiteUnit> all;
        lock (gate) all = [.. units];
        foreach (var unit in all) unit.Unit.Tell(new ChargerProtocol.SetNetworkIndication(NetworkIndication.Disconnected));
        log($"Site life {number} at {life.Address} ended (downed or cut off); the units run on at their fail-safe current; rejoining in {settings.RejoinDelay.TotalSeconds:0.#} s");
        while (true)
        {
            await Task.Delay(settings.RejoinDelay);
            try
            {
                StartLife();
                return;
            }
            catch (Exception e)
            {
                // The port may still be held for a moment: try again rather than stay out for good.
                log($"Site life {number + 1} failed to start: {e.Message}; trying again");
            }
        }
    }

    void Raise(SiteLife life)
    {
        var handler = LifeChanged;
        if (handler is not null) ThreadPool.QueueUserWorkItem(_ => handler(life));
    }
}
