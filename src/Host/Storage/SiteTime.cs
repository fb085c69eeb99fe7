using NodaTime;
using NodaTime.TimeZones;
using SmartElek.Host.Configuration;

namespace SmartElek.Host.Storage;

/// <summary>
/// The site's time zone (<c>Site:TimeZone</c>): the local days operators count energy in. An IANA id
/// (Europe/Berlin, America/New_York) of the tzdb that NodaTime carries, so that every node and CI count
/// the same days whatever tzdata the machine has; empty means the machine's own local zone. Times are
/// stored in UTC whatever it is, so changing it re-reads the history in the new days without touching the tables.
/// </summary>
public static class SiteTime
{
    public const string Key = "Site:TimeZone";

    /// <summary>The tzdb the site's days are counted in (its version: <see cref="TzdbDateTimeZoneSource.TzdbVersion"/>).</summary>
    public static IDateTimeZoneProvider Zones => DateTimeZoneProviders.Tzdb;

    /// <summary>The zone of a validated configuration.</summary>
    public static DateTimeZone ZoneOf(SiteOptions site) =>
        string.IsNullOrWhiteSpace(site.TimeZone) ? MachineZone() : Zones[site.TimeZone.Trim()];

    /// <summary>
    /// The machine's local zone in the tzdb, or as the machine's own rules when its id is not a tzdb one
    /// (an /etc/localtime that is a copy, not a link, can leave .NET with no IANA id).
    /// </summary>
    public static DateTimeZone MachineZone() =>
        Zones.GetZoneOrNull(TimeZoneInfo.Local.Id) ?? BclDateTimeZone.ForSystemDefault();

    public static IEnumerable<ConfigError> Errors(SiteOptions site, string file)
    {
        if (!string.IsNullOrWhiteSpace(site.TimeZone) && Zones.GetZoneOrNull(site.TimeZone.Trim()) is null)
            yield return new ConfigError(file, Key,
                $"'{site.TimeZone}' is not a time zone of tzdb {TzdbDateTimeZoneSource.Default.TzdbVersion}; write an IANA id such as Europe/Berlin or America/New_York, or leave it empty for the machine's local zone ({TimeZoneInfo.Local.Id})");
    }
}
