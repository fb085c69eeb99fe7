using Akka.Actor;
using SmartElek.Actors.Charger;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using SmartElek.Site;
using SmartElek.Site.Grants;

namespace SmartElek.Actors.Site;

/// <summary>Messages of <see cref="ChargerSiteLink"/>.</summary>
public static class ChargerSiteLinkProtocol
{
    internal sealed record RefreshSettings
    {
        public static RefreshSettings Instance { get; } = new();
    }
}

/// <summary>How a unit's status reads for the site allocator (pure).</summary>
public static class SiteStatusMapping
{
    /// <summary>
    /// The allocator's view of a unit: it wants current while a vehicle is connected (pilot B or
    /// C: a vehicle shows B until it is offered at least 6 A), its session is authorised, and the
    /// unit is operative, free of faults and on the site's network (off it, in Wi-Fi mode or after
    /// leaving the site, it takes no grant: its amps go to the others, its fail-safe share stays
    /// counted). The unit meters one current that flows on both of its lines.
    /// </summary>
    public static SiteChargerStatus ToSite(ChargerStatus unit, ChargerSettings? settings) =>
        new(WantsCurrent(unit), unit.Pilot.ToString(), new SiteProtocol.LineCurrents(unit.DrawnAmps, unit.DrawnAmps),
            unit.OfferedAmps, unit.AppliedGrantEpoch, unit.AppliedGrantSeq)
        {
            UserMaxAmps = settings?.MaxCurrent,
            OcppLimitAmps = unit.CurrentLimitAmps,
            SessionEnergyWh = unit.SessionKwh * 1000,
        };

    public static bool WantsCurrent(ChargerStatus unit) =>
        unit.Operative && !unit.Faulted && unit.OnSiteLink && unit.Pilot is PilotState.B or PilotState.C
        && unit.Session is SessionPhase.Authorised or SessionPhase.Charging or SessionPhase.SuspendedByEv or SessionPhase.SuspendedByEvse;
}

/// <summary>
/// Joins a charger unit (in the node's local unit ActorSystem) to its <see cref="SiteMember"/>
/// (in the clustered site ActorSystem): it subscribes to the unit's status and tells the member
/// each change as the site sees it. Grants do not pass here: the member tells them straight to
/// the unit. The user's maximum current comes from the unit's settings, read at start and every
/// <c>settingsEvery</c>.
/// </summary>
public sealed class ChargerSiteLink : ReceiveActor, IWithTimers
{
    readonly IActorRef unit;
    readonly IActorRef member;
    readonly TimeSpan settingsEvery;
    ChargerStatus? last;
    ChargerSettings? settings;
    SiteChargerStatus? told;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef unit, IActorRef member, TimeSpan? settingsEvery = null) =>
        Akka.Actor.Props.Create(() => new ChargerSiteLink(unit, member, settingsEvery ?? TimeSpan.FromSeconds(10)));

    public ChargerSiteLink(IActorRef unit, IActorRef member, TimeSpan settingsEvery)
    {
        this.unit = unit;
        this.member = member;
        this.settingsEvery = settingsEvery;

        Receive<ChargerStatus>(s =>
        {
            // Whether the radio holds the site's membership: the node's commissioning takes a unit that
            // left (13 SET taps) out of the topology, and tells one placed again to join.
            if (last?.SiteJoined != s.SiteJoined)
                Context.System.ActorSelection($"/user/{NodeCommissioningProtocol.Name}").Tell(new NodeCommissioningProtocol.UnitNetworkChanged(s.ChargerId, s.SiteJoined));
            last = s;
            Tell();
        });
        Receive<ChargerSettings>(s =>
        {
            settings = s;
            Tell();
        });
        Receive<ChargerSiteLinkProtocol.RefreshSettings>(_ => unit.Tell(ChargerProtocol.GetSettings.Instance, Self));
        Receive<ChargerProtocol.ButtonActionTriggered>(_ => { });
        Receive<Terminated>(t => t.ActorRef.Equals(member), _ => Context.Stop(Self));
    }

    protected override void PreStart()
    {
        Context.Watch(member);
        unit.Tell(new ChargerProtocol.SubscribeStatus(Self));
        unit.Tell(ChargerProtocol.GetSettings.Instance, Self);
        Timers.StartPeriodicTimer("settings", ChargerSiteLinkProtocol.RefreshSettings.Instance, settingsEvery);
    }

    protected override void PostStop() => unit.Tell(new ChargerProtocol.UnsubscribeStatus(Self));

    void Tell()
    {
        if (last is null) return;
        var status = SiteStatusMapping.ToSite(last, settings);
        if (status == told) return;
        told = status;
        member.Tell(new SiteMemberProtocol.StatusChanged(status));
    }
}
