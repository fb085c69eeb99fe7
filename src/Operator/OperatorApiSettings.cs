using SmartElek.Actors.Persistence;
using SmartElek.Actors.Site;
using SmartElek.Site.Topology;

namespace SmartElek.Operator;

/// <summary>What the Host tells the operator's app: where to listen, the site, and the site's database.</summary>
public sealed record OperatorApiSettings
{
    /// <summary>Kestrel's address, e.g. http://127.0.0.1:8080 (port 0: any free port, printed at start).</summary>
    public required string Url { get; init; }

    /// <summary>The node's live topology: the topology keeper's current version (commissioning changes it while the site runs).</summary>
    public required LiveTopology Live { get; init; }

    /// <summary>The current version's topology.</summary>
    public SiteTopology Topology => Live.Current.Topology;

    /// <summary>The site's database: users and tokens live beside the chargers' journal.</summary>
    public required PersistenceOptions Storage { get; init; }

    public int LoginAttemptsPerMinute { get; init; } = 10;

    /// <summary>The site's time zone (<c>Site:TimeZone</c>): the days sessions are listed by.</summary>
    public NodaTime.DateTimeZone SiteZone { get; init; } = NodaTime.DateTimeZone.Utc;

    public TimeSpan SetupLinkLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Environment (tests pass their own); default: the process's.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
}
