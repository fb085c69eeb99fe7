using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// What a charge point had before it restarted: its profiles, the configuration the central system
/// changed, its local authorisation list, the transaction it had running (null when none) and its
/// authorisation cache (null: none kept).
/// </summary>
public sealed record RememberedChargePoint(
    IReadOnlyList<InstalledProfile> Profiles, IReadOnlyDictionary<string, string> Configuration, LocalList? LocalList = null,
    RememberedTransaction? Transaction = null, IReadOnlyDictionary<string, CachedAuthorization>? AuthorizationCache = null)
{
    public static readonly RememberedChargePoint Nothing = new([], new Dictionary<string, string>());
}

/// <summary>
/// What survives a restart of a charge point besides its transaction queue (OCPP 1.6: charging
/// profiles and configuration are persistent). Writes are durable when they return.
/// </summary>
public interface IChargePointMemory
{
    RememberedChargePoint Recall();

    /// <summary>The whole set of installed profiles, replacing what was remembered.</summary>
    void RememberProfiles(IReadOnlyList<InstalledProfile> profiles);

    /// <summary>A configuration value the central system changed (accepted).</summary>
    void RememberConfiguration(string key, string value);

    /// <summary>The local authorisation list after a SendLocalList, replacing what was remembered.</summary>
    void RememberLocalList(LocalList list);

    /// <summary>
    /// The transaction now running (its id the placeholder until the central system answers the
    /// start), or null once its StopTransaction is queued. One found at start was cut by a power
    /// loss or a crash (OCPP 1.6: stopped with reason PowerLoss).
    /// </summary>
    void RememberTransaction(RememberedTransaction? transaction);

    /// <summary>An authorisation cache entry learnt or used, and the entries it evicted, in one write.</summary>
    void RememberCacheEntry(string idTag, CachedAuthorization entry, IReadOnlyCollection<string> evicted);

    /// <summary>ClearCache: every cache entry of this charge point is forgotten.</summary>
    void ClearCache();
}

/// <summary>A running transaction as the charge point remembers it across a restart.</summary>
/// <param name="TransactionId">the central system's id, or the negative placeholder while its StartTransaction is queued</param>
public sealed record RememberedTransaction(int ConnectorId, int TransactionId, string IdTag, long MeterStart, DateTimeOffset Start);

/// <summary>The local authorisation list as the central system last set it.</summary>
public sealed record LocalList(int Version, IReadOnlyList<AuthorizationData> Entries);
