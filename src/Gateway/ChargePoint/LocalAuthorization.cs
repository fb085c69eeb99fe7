using System.Collections.Immutable;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// The local authorisation list (set by the central system) and the authorisation cache (learnt
/// from answers). Immutable; the list wins over the cache.
/// </summary>
public sealed record LocalAuthorization(int ListVersion, ImmutableDictionary<string, IdTagInfo> List, ImmutableDictionary<string, IdTagInfo> Cache)
{
    public static readonly LocalAuthorization Empty =
        new(0, ImmutableDictionary<string, IdTagInfo>.Empty, ImmutableDictionary<string, IdTagInfo>.Empty);

    /// <summary>What is known locally about an idTag at <paramref name="now"/> (an expired Accepted is Expired).</summary>
    public IdTagInfo? Lookup(string idTag, DateTimeOffset now, bool listEnabled, bool cacheEnabled)
    {
        IdTagInfo? info = null;
        if (listEnabled && List.TryGetValue(idTag, out var l)) info = l;
        else if (cacheEnabled && Cache.TryGetValue(idTag, out var c)) info = c;
        if (info is { Status: AuthorizationStatus.Accepted, ExpiryDate: { } expiry } && expiry <= now)
            return info with { Status = AuthorizationStatus.Expired };
        return info;
    }

    public LocalAuthorization Remember(string idTag, IdTagInfo info) => this with { Cache = Cache.SetItem(idTag, info) };

    public LocalAuthorization ClearCache() => this with { Cache = Cache.Clear() };

    /// <summary>SendLocalList: a Full list replaces; a Differential one updates (no idTagInfo removes).</summary>
    public (LocalAuthorization Auth, UpdateStatus Status) Update(SendLocalListRequest request, bool enabled, int maxEntries)
    {
        if (!enabled) return (this, UpdateStatus.NotSupported);
        var entries = request.LocalAuthorizationList ?? [];
        if (entries.Count > maxEntries || request.ListVersion < 0) return (this, UpdateStatus.Failed);
        if (request.UpdateType == UpdateType.Differential && request.ListVersion <= ListVersion)
            return (this, UpdateStatus.VersionMismatch);
        var list = request.UpdateType == UpdateType.Full ? ImmutableDictionary<string, IdTagInfo>.Empty : List;
        foreach (var e in entries)
            list = e.IdTagInfo is { } info ? list.SetItem(e.IdTag, info) : list.Remove(e.IdTag);
        return (this with { ListVersion = request.ListVersion, List = list }, UpdateStatus.Accepted);
    }
}
