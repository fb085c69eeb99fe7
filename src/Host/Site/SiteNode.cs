using Akka.Actor;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SmartElek.Actors.Site;
using SmartElek.Host.Chargers;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;

namespace SmartElek.Host.Site;

/// <summary>
/// This node's place in the site's cluster: a <see cref="SiteMembership"/> over the node's charger
/// units, started once the units run and left gracefully when the host stops.
/// </summary>
public sealed class SiteNode(SiteChargers chargers, SiteNodeSettings settings, ILogger<SiteNode> log) : IHostedService
{
    private SiteMembership? _membership;
    private Task _starting = Task.CompletedTask;

    /// <summary>The current version of the live topology (the configuration file's until the keeper answers).</summary>
    public SiteTopology Topology => settings.Live?.Current.Topology ?? settings.Topology;

    /// <summary>Joins a unit powered up while the node runs to the site: pending until the operator places it.</summary>
    public void AddUnit(SiteUnit unit) => _membership?.AddUnit(unit);

    /// <summary>The membership once started (null before).</summary>
    public SiteMembership? Membership => _membership;

    /// <summary>The allocator's ledger (every charger of the site), or null while the node is between lives or the allocator does not answer.</summary>
    public async Task<SiteAllocatorProtocol.LedgerState?> LedgerAsync(TimeSpan timeout)
    {
        if (_membership?.AllocatorProxy is not { } proxy) return null;
        try
        {
            return await proxy.Ask<SiteAllocatorProtocol.LedgerState>(SiteAllocatorProtocol.GetLedger.Instance, timeout);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return null;
        }
    }

    // The units start with the chargers' ActorSystem, which may be another hosted service
    // started after this one: wait for them in the background.
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A shorter lease than a fail-over is safe (the chargers fall back to their fail-safe
        // current while the allocator moves) but takes current away from every vehicle meanwhile.
        var failOver = SiteCluster.FailOverEstimate(settings.Hocon);
        if (settings.Lease.LeaseDuration <= failOver)
            log.LogWarning("Site:LeaseSeconds {Lease} s is shorter than a fail-over of the allocator's node at this stable-after (about {FailOver} s): "
                + "every charger falls back to its fail-safe current while the allocator moves", settings.Lease.LeaseDuration.TotalSeconds, failOver.TotalSeconds);
        _starting = Task.Run(async () =>
        {
            await chargers.Started.WaitAsync(cancellationToken);
            var membership = new SiteMembership(settings, chargers.All.Select(c => new SiteUnit(c.Id, c.Unit)),
                line => log.LogInformation("{Line}", line));
            await membership.StartAsync();
            _membership = membership;
        }, cancellationToken);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _starting;
        }
        catch (OperationCanceledException)
        {
        }
        if (_membership is not null)
            await _membership.StopAsync().WaitAsync(TimeSpan.FromSeconds(20), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
