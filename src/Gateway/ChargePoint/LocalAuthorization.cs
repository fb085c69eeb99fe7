using System.Collections.Immutable;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// The local authorisation list (set by the central system) and the authorisation cache (learnt
/// from answers). Immutable; the list wins over the cache.
/// </summary>
public sealed record LocalAuthorization(int ListVersion, ImmutableDictionary<string, IdTagInfo> List, AuthorizationCache Cache)
{
    public static readonly LocalAuthorization Empty =
        new(0, ImmutableDictionary<string, IdTagInfo>.Empty, AuthorizationCache.Empty(AuthorizationCache.DefaultCapacity));

    /// <summary>What is known locally about an idTag at <paramref name="now"/> (an expired Accepted is Expired).</summary>
    public IdTagInfo? Lookup(string idTag, DateTimeOffset now, bool listEnabled, bool cacheEnabled)
    {
        IdTagInfo? info = null;
        if (listEnabled && List.TryGetValue(idTag, out var l)) info = l;
        else if (cacheEnabled && Cache.Entries.TryGetValue(idTag, out var c)) info = c.Info;
        if (info is { Status: AuthorizationStatus.Accepted, ExpiryDate: { } expiry } && expiry <= now)
            return info with { Status = AuthorizationStatus.Expired };
        return info;
    }

    /// <summary>Whether <see cref="Lookup"/> answers from the cache (a use of its entry) rather than the list or not at all.</summary>
    public bool AnswersFromCache(string idTag, bool listEnabled, bool cacheEnabled) =>
        !(listEnabled && List.ContainsKey(idTag)) && cacheEnabled && Cache.Entries.ContainsKey(idTag);

    public LocalAuthorization Remember(string idTag, IdTagInfo info, DateTimeOffset now) => this with { Cache = Cache.Remember(idTag, info, now).Cache };

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

/// <summary>One authorisation cache entry: the central system's last answer about an idTag, and when it was last used.</summary>
/// <param name="LastUsed">when it was learnt or last answered a lookup (least recently used goes first when the cache is full)</param>
public sealed record CachedAuthorization(IdTagInfo Info, DateTimeOffset LastUsed);

/// <summary>
/// The authorisation cache of OCPP 1.6 §3.5: the idTagInfo of every Authorize, StartTransaction
/// and StopTransaction answer, at most <see cref="Capacity"/> entries. When it is full, an entry
/// whose expiryDate has passed goes first (it can only say Expired, and the central system is
/// asked anyway), then the least recently used. Immutable; every change names what left, so a
/// durable copy can follow it.
/// </summary>
public sealed record AuthorizationCache(int Capacity, ImmutableDictionary<string, CachedAuthorization> Entries)
{
    public const int DefaultCapacity = 1000;

    public static AuthorizationCache Empty(int capacity) => capacity >= 0
        ? new(capacity, ImmutableDictionary<string, CachedAuthorization>.Empty)
        : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "An authorisation cache cannot hold fewer than 0 entries.");

    /// <summary>A cache of <paramref name="capacity"/> holding what was remembered (trimmed by the eviction rule when it holds more).</summary>
    public static (AuthorizationCache Cache, IReadOnlyList<string> Evicted) Of(int capacity, IReadOnlyDictionary<string, CachedAuthorization> entries, DateTimeOffset now) =>
        (Empty(capacity) with { Entries = entries.ToImmutableDictionary() }).Trim(now);

    /// <summary>The answer about <paramref name="idTag"/> replaces its entry (used now); others may be evicted.</summary>
    public (AuthorizationCache Cache, IReadOnlyList<string> Evicted) Remember(string idTag, IdTagInfo info, DateTimeOffset now) =>
        (this with { Entries = Entries.SetItem(idTag, new CachedAuthorization(info, now)) }).Trim(now);

    /// <summary>The entry answered a lookup now (null when there is none).</summary>
    public (AuthorizationCache Cache, CachedAuthorization? Entry) Use(string idTag, DateTimeOffset now)
    {
        if (!Entries.TryGetValue(idTag, out var entry)) return (this, null);
        var used = entry with { LastUsed = now };
        return (this with { Entries = Entries.SetItem(idTag, used) }, used);
    }

    public AuthorizationCache Clear() => this with { Entries = Entries.Clear() };

    private (AuthorizationCache, IReadOnlyList<string>) Trim(DateTimeOffset now)
    {
        if (Entries.Count <= Capacity) return (this, []);
        // Expired first (earliest expiry first), then least recently used; the idTag breaks ties so the choice is the same after a reload.
        var evicted = Entries
            .OrderBy(e => e.Value.Info.ExpiryDate is { } x && x <= now ? 0 : 1)
            .ThenBy(e => e.Value.Info.ExpiryDate is { } x && x <= now ? x : DateTimeOffset.MinValue)
            .ThenBy(e => e.Value.LastUsed)
            .ThenBy(e => e.Key, StringComparer.Ordinal)
            .Take(Entries.Count - Capacity)
            .Select(e => e.Key)
            .ToList();
        return (this with { Entries = Entries.RemoveRange(evicted) }, evicted);
    }
}
