using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using SmartElek.Site.Topology;

namespace SmartElek.Operator.Api;

/// <summary>Which chargers the caller may see and command (a driver: only those assigned to them).</summary>
public sealed class ChargerAccess
{
    private readonly IReadOnlySet<string>? _only;

    private ChargerAccess(IReadOnlySet<string>? only) => _only = only;

    /// <summary>Every charger of the site.</summary>
    public static ChargerAccess All { get; } = new(null);

    public static ChargerAccess Only(IEnumerable<string> chargers) => new(chargers.ToHashSet(StringComparer.Ordinal));

    public bool MaySee(ChargerId id) => _only is null || _only.Contains(id.Value);

    /// <summary>The same chargers as <paramref name="other"/>.</summary>
    public bool SameAs(ChargerAccess other) => _only is null ? other._only is null : other._only is not null && _only.SetEquals(other._only);

    /// <summary>The request's access, as the authentication put it; every charger when none was put.</summary>
    public static ChargerAccess Of(HttpContext http) =>
        http.Features.Get<ChargerAccess>() ?? All;

    public static bool TryFind(SiteTopology topology, string id, [NotNullWhen(true)] out ChargerPlacement? placement)
    {
        placement = topology.Chargers.FirstOrDefault(c => string.Equals(c.Id.Value, id, StringComparison.Ordinal));
        return placement is not null;
    }
}
