using System.Collections.Immutable;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// What a charge point starts from after a restart, decided from what its store remembered and its
/// queue: the configuration with the central system's changes, its profiles (not TxProfiles: their
/// transaction ended with the restart), its local list and cache, the transaction a power loss cut
/// (when it still owes its stop), the next placeholder id (below those still queued), and the
/// corrections the store needs. What no longer applies is said in <see cref="Warnings"/>.
/// </summary>
public sealed record ChargePointStart(
    ChargePointConfiguration Configuration, ChargingProfiles Profiles, LocalAuthorization Authorization,
    RememberedTransaction? CutTransaction, int NextPlaceholder, bool ForgetTransaction,
    IReadOnlyDictionary<string, CachedAuthorization>? RewriteCache, IReadOnlyList<string> Warnings)
{
    /// <summary>A charge point that remembers nothing.</summary>
    public static ChargePointStart Fresh(ChargePointConfiguration configuration, IReadOnlyList<QueuedTransactionMessage> queued, DateTimeOffset now) =>
        Of(RememberedChargePoint.Nothing, queued, configuration, now);

    /// <summary>Decides the start from <paramref name="kept"/> and the queue as read from the store.</summary>
    public static ChargePointStart Of(RememberedChargePoint kept, IReadOnlyList<QueuedTransactionMessage> queued,
        ChargePointConfiguration configuration, DateTimeOffset now)
    {
        var warnings = new List<string>();
        var config = configuration;
        foreach (var (key, value) in kept.Configuration)
        {
            var (changed, status) = config.Change(key, value);
            if (status is ConfigurationStatus.Accepted or ConfigurationStatus.RebootRequired) config = changed;
            else warnings.Add($"remembered configuration {key}={value} no longer applies ({status})");
        }

        RememberedTransaction? cut = null;
        var forget = false;
        if (kept.Transaction is { } remembered)
        {
            if (PowerLossRecovery.OwesStop(remembered, queued)) cut = remembered;
            else
            {
                warnings.Add($"remembered transaction {remembered.TransactionId} needs no PowerLoss stop (its stop is queued, or its start never was)");
                forget = true;
            }
        }

        var profiles = new ChargingProfiles(kept.Profiles.Where(p => p.Profile.ChargingProfilePurpose != ChargingProfilePurpose.TxProfile).ToImmutableList());

        var auth = LocalAuthorization.Empty with { Cache = AuthorizationCache.Empty(config.AuthorizationCacheMaxEntries) };
        IReadOnlyDictionary<string, CachedAuthorization>? rewrite = null;
        if (kept.AuthorizationCache is { Count: > 0 } cached)
        {
            var (cache, evicted) = AuthorizationCache.Of(auth.Cache.Capacity, cached, now);
            auth = auth with { Cache = cache };
            // Kept with a larger AuthorizationCacheMaxEntries: the durable copy follows the trimmed one.
            if (evicted.Count > 0) rewrite = cache.Entries;
        }
        if (kept.LocalList is { } list)
            auth = auth with
            {
                ListVersion = list.Version,
                List = list.Entries.Where(e => e.IdTagInfo is not null).ToImmutableDictionary(e => e.IdTag, e => e.IdTagInfo!),
            };

        return new ChargePointStart(config, profiles, auth, cut, TransactionMessages.LowestPlaceholder(queued), forget, rewrite, warnings);
    }
}
