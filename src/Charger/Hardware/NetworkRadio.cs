namespace SmartElek.Charger.Hardware;

/// <summary>
/// Which radio link the unit uses: the site's own network (Zigbee in the manual; here the link to
/// the site controller that grants current) or Wi-Fi (the manual's home setup with the vendor's cloud).
/// </summary>
public enum NetworkMode { SiteLink, WiFi }

/// <summary>
/// The unit's radio and what it keeps in its own non-volatile memory: the mode, and whether it is
/// joined to (commissioned on) a site network. Both survive a reboot, as the network keys of a real
/// Zigbee module do; leaving erases the membership until the unit is commissioned again.
/// </summary>
public interface INetworkRadio
{
    NetworkMode Mode { get; }

    /// <summary>True while the radio holds a site network's membership.</summary>
    bool Joined { get; }

    void Select(NetworkMode mode);

    /// <summary>Forgets the site network (factory reset and leave): only commissioning joins it again.</summary>
    void Leave();

    /// <summary>Takes the site network's membership its coordinator hands over when the unit is commissioned (placed by the operator).</summary>
    void Join();
}
