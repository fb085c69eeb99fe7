using SmartElek.Charger.Hardware;
using SmartElek.Charger.Leds;

namespace SmartElek.Charger.Unit;

/// <summary>
/// The unit's network side: the radio's mode and site membership, and what the site link last said
/// about itself. Decides the NETWORK LED and whether the unit is on its site's network (and so takes
/// grants). Pure.
/// <list type="bullet">
/// <item>Joined, site link: the LED shows what the site link says (searching, connected, permit-join, disconnected).</item>
/// <item>Joined, Wi-Fi: the unit is off the site's network, so it shows "disconnected" (2 blips per second);
/// this simulation has no Wi-Fi service for it to join.</item>
/// <item>Not joined (after a factory reset and leave): dark for <see cref="NetworkLed.ResettingOffTime"/>,
/// then fast flashing, searching, until it is commissioned again; while the site's permit-join is open it
/// waits to join and flashes once a second, as a new unit does.</item>
/// </list>
/// </summary>
public sealed record UnitNetwork(NetworkMode Mode, bool Joined, NetworkIndication SiteSays)
{
    /// <summary>The LED is dark for the manual's second after a factory reset and leave.</summary>
    public bool LightsOut { get; init; }

    /// <summary>At power-up: what the radio keeps, and the site link not yet heard (searching).</summary>
    public static UnitNetwork PowerUp(NetworkMode mode, bool joined) => new(mode, joined, NetworkIndication.Searching);

    /// <summary>On the site's network: site grants reach the unit.</summary>
    public bool OnSiteLink => Joined && Mode == NetworkMode.SiteLink;

    public NetworkIndication Indication =>
        LightsOut ? NetworkIndication.ResettingOff
        : !Joined ? (SiteSays == NetworkIndication.PermitJoinOpen ? NetworkIndication.PermitJoinOpen : NetworkIndication.Searching)
        : Mode == NetworkMode.WiFi ? NetworkIndication.Disconnected
        : SiteSays;

    /// <summary>What the site link says about itself (the node's cluster membership); shown while the unit is on it.</summary>
    public UnitNetwork SiteIndicated(NetworkIndication indication) =>
        indication == NetworkIndication.ResettingOff
            ? throw new ArgumentOutOfRangeException(nameof(indication), indication, "Only the unit itself goes dark for a factory reset.")
            : this with { SiteSays = indication };

    /// <summary>7 SET taps: site link to Wi-Fi and back.</summary>
    public UnitNetwork Toggled() => this with { Mode = Mode == NetworkMode.SiteLink ? NetworkMode.WiFi : NetworkMode.SiteLink };

    /// <summary>13 SET taps (or SET held at power-up): the membership is gone and the LED goes dark first.</summary>
    public UnitNetwork Left() => this with { Joined = false, LightsOut = true };

    public UnitNetwork LightsBack() => this with { LightsOut = false };

    /// <summary>Commissioned (placed by the operator): the radio holds the site's membership again; the mode stays.</summary>
    public UnitNetwork Commissioned() => this with { Joined = true, LightsOut = false };

    /// <summary>SET held 3 s: permit-join closes, if it is open on the unit's site link.</summary>
    public UnitNetwork PermitJoinClosed() =>
        OnSiteLink && SiteSays == NetworkIndication.PermitJoinOpen ? this with { SiteSays = NetworkIndication.Connected } : this;
}
