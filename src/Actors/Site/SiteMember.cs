using Akka.Actor;
using Akka.Event;
using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using static SmartElek.Site.SiteProtocol;

namespace SmartElek.Actors.Site;

/// <summary>Messages of a charger's site member.</summary>
public static class SiteMemberProtocol
{
    /// <summary>From the charger: its pilot, meter and applied grant, sent on every change (and at least each report interval).</summary>
    public sealed record StatusChanged(SiteChargerStatus Status);

    internal sealed record ReportTick
    {
        public static ReportTick Instance { get; } = new();
    }

    internal sealed record FailSafeTick
    {
        public static FailSafeTick Instance { get; } = new();
    }

    /// <summary>The charger was taken out of the topology: the member offers it 0 A and stops (no fail-safe after it).</summary>
    public sealed record Leave
    {
        public static Leave Instance { get; } = new();
    }
}

/// <summary>
/// A charger's member of the site cluster: reports the charger's status to the allocator
/// (through the singleton proxy) every report interval, which also renews its lease; forwards
/// every accepted <see cref="CurrentGrant"/> to the charger; and sends the charger a fail-safe
/// grant <see cref="LeasePolicy.FailSafeLead"/> before the lease ends, or at once when it stops
/// (its cluster ActorSystem was downed: no renewals can come any more).
/// <para>The charger applies each grant it gets (a fail-safe one has epoch 0) and reports what it
/// offers with <see cref="SiteMemberProtocol.StatusChanged"/>.</para>
/// </summary>
public sealed class SiteMember : ReceiveActor, IWithTimers
{
    readonly IActorRef charger;
    readonly IActorRef allocator;
    readonly LeaseHolder holder;
    readonly double asksForMoreWithinAmps;
    readonly ILoggingAdapter log = Context.GetLogger();
    readonly bool startUnreserved;
    SiteChargerStatus? status;
    bool left;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="chargerId">The charger this member speaks for.</param>
    /// <param name="failSafeAmps">The charger's fail-safe current from the topology.</param>
    /// <param name="charger">The charger actor that applies grants (may live in another, local ActorSystem).</param>
    /// <param name="allocator">The allocator singleton's proxy.</param>
    /// <param name="lease">Lease timing; must match the allocator's.</param>
    /// <param name="allocation">The allocator's policy: a vehicle that comes within its margin of the offer is reported at once.</param>
    /// <param name="startUnreserved">A charger just placed on a running site: 0 A until its first grant (<see cref="LeaseHolder.StartUnreserved"/>).</param>
    public static Props Props(ChargerId chargerId, double failSafeAmps, IActorRef charger, IActorRef allocator, LeasePolicy? lease = null,
        AllocationPolicy? allocation = null, bool startUnreserved = false) =>
        Akka.Actor.Props.Create(() => new SiteMember(chargerId, failSafeAmps, charger, allocator, lease ?? LeasePolicy.Default,
            allocation ?? AllocationPolicy.Default, startUnreserved));

    public SiteMember(ChargerId chargerId, double failSafeAmps, IActorRef charger, IActorRef allocator, LeasePolicy lease, AllocationPolicy allocation,
        bool startUnreserved)
    {
        this.startUnreserved = startUnreserved;
        this.charger = charger;
        this.allocator = allocator;
        holder = new LeaseHolder(chargerId, failSafeAmps, lease);
        asksForMoreWithinAmps = allocation.Validate().AsksForMoreWithinAmps;

        Receive<SiteMemberProtocol.StatusChanged>(m =>
        {
            var before = status;
            status = m.Status;
            // What lets the allocator act goes out at once; the rest rides on the periodic report.
            if (ReportTiming.ReportsAtOnce(before, m.Status, holder.Policy.MeterToleranceAmps, asksForMoreWithinAmps)) Report();
        });
        Receive<SiteMemberProtocol.ReportTick>(_ => Report());
        Receive<CurrentGrant>(OnGrant);
        Receive<SiteMemberProtocol.Leave>(_ =>
        {
            left = true;
            log.Info("Charger '{0}' was taken out of the site: offering 0 A", holder.Charger);
            charger.Tell(new CurrentGrant(holder.Charger, 0, 0, 0, holder.Incarnation, 0, TimeSpan.Zero, Now, new LimitReason(LimitKind.Removed)));
            Context.Stop(Self);
        });
        Receive<SiteMemberProtocol.FailSafeTick>(_ =>
        {
            if (holder.OnTick(Now) is { } failSafe)
            {
                log.Warning("Charger '{0}': lease not renewed, falling back to its fail-safe {1} A", holder.Charger, failSafe.Amps);
                charger.Tell(failSafe);
            }
        });
    }

    DateTimeOffset Now => Context.System.Scheduler.Now;

    protected override void PreStart()
    {
        charger.Tell(startUnreserved ? holder.StartUnreserved(Now) : holder.Start(Now));
        Self.Tell(SiteMemberProtocol.ReportTick.Instance);
        Timers.StartPeriodicTimer("report", SiteMemberProtocol.ReportTick.Instance, holder.Policy.ReportInterval);
    }

    protected override void PostStop()
    {
        // Leaving the cluster ends every chance of renewal: fall back now rather than at expiry.
        if (!left && !holder.OnFailSafe) charger.Tell(holder.Release(Now));
    }

    void Report()
    {
        var current = status ?? new SiteChargerStatus(false, "unknown", default, holder.FailSafeAmps, 0, 0);
        allocator.Tell(holder.NextReport(current, Now));
    }

    void OnGrant(CurrentGrant grant)
    {
        var now = Now;
        if (holder.OnGrant(grant, now) is not { } accepted)
        {
            log.Debug("Charger '{0}': grant {1}/{2} refused: {3}", holder.Charger, grant.AllocatorEpoch, grant.GrantSeq, holder.LastRefusal);
            return;
        }
        // The fall-back is armed before the charger hears of the grant: whoever watches the charger
        // (a test on virtual time, too) never sees a grant whose fall-back is not yet scheduled.
        if (holder.FailSafeAt is { } at)
            Timers.StartSingleTimer("fail-safe", SiteMemberProtocol.FailSafeTick.Instance, at > now ? at - now : TimeSpan.Zero);
        charger.Tell(accepted);
    }
}
