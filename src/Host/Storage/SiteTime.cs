using SmartElek.Host.Configuration;

namespace SmartElek.Host.Storage;

/// <summary>
/// The site's time zone (<c>Site:TimeZone</c>): the local days operators count energy in. An IANA id
/// (Europe/Berlin, America/New_York) from the machine's time-zone database (Debian: tzdata); empty means
/// the machine's own local zone. Times are stored in UTC whatever it is, so changing it re-reads the
/// history in the new days without touching the tables.
/// </summary>
public static class SiteTime
{
    public const string Key = "Site:TimeZone";

    /// <summary>The zone of a validated configuration.</summary>
    public static TimeZoneInfo ZoneOf(SiteOptions site) =>
        string.IsNullOrWhiteSpace(site.TimeZone) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone.Trim());

    public static IEnumerable<ConfigError> Errors(SiteOptions site, string file)
    {
        if (!string.IsNullOrWhiteSpace(site.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(site.TimeZone.Trim(), out _))
            yield return new ConfigError(file, Key,
                $"'{site.TimeZone}' is not a time zone this machine knows; write an IANA id such as Europe/Berlin or America/New_York, or leave it empty for the machine's local zone ({TimeZoneInfo.Local.Id})");
    }
}
