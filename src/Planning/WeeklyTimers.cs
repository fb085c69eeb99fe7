using System.Globalization;
using NodaTime;
using SmartElek.Tariffs;

namespace SmartElek.Planning;

public enum TimerScopeKind { Charger, Circuit, DriverGroup }

/// <summary>What a window does: allow charging only inside (allowed windows of a scope), block it, or cap it.</summary>
public enum TimerEffect { Allowed, Blocked, Capped }

/// <summary>
/// A weekly window on the site's wall clock: on <see cref="Days"/> from <see cref="From"/> to
/// <see cref="To"/>; a window whose end is not after its start runs past midnight into the next day
/// ("Fri 22:00-06:00" ends Saturday 06:00).
/// </summary>
public sealed record WeeklyWindow(
    TimerScopeKind Scope, string Target, IReadOnlySet<IsoDayOfWeek> Days, LocalTime From, LocalTime To,
    TimerEffect Effect, double CapAmps = 0)
{
    public bool Holds(LocalDateTime local)
    {
        var day = local.DayOfWeek;
        var time = local.TimeOfDay;
        if (To > From) return Days.Contains(day) && time >= From && time < To;
        var previous = day == IsoDayOfWeek.Monday ? IsoDayOfWeek.Sunday : day - 1;
        return (Days.Contains(day) && time >= From) || (Days.Contains(previous) && time < To);
    }

    public string Describe() =>
        $"{Scope switch { TimerScopeKind.Charger => "charger", TimerScopeKind.Circuit => "circuit", _ => "driver group" }} '{Target}' " +
        $"{WeekdaySet.Format(Days)} {From:HH:mm}-{(To == LocalTime.Midnight ? "24:00" : To.ToString("HH:mm", CultureInfo.InvariantCulture))}";
}

/// <summary>The timers' verdict for one charger at one moment: the cap (null: no timer limits it) and why.</summary>
public readonly record struct TimerVerdict(double? CapAmps, string? Reason)
{
    public static readonly TimerVerdict Free = new(null, null);
}

/// <summary>
/// Every timer window of the site. For one charger the windows of its own scope, each circuit on its
/// path and its driver's group apply together, and the tightest wins: blocked is 0 A; capped is its
/// current; a scope that has allowed windows blocks charging outside all of them.
/// Wall-clock semantics: a repeated hour is in a window twice, a skipped hour not at all.
/// </summary>
public sealed class WeeklyTimers(IReadOnlyList<WeeklyWindow> windows)
{
    public static readonly WeeklyTimers None = new([]);

    public IReadOnlyList<WeeklyWindow> Windows { get; } = windows;

    /// <summary>
    /// The tightest verdict anywhere in a slot: at its start and after each change of the clocks inside it
    /// (St John's, Goose Bay and Moncton changed at 00:01, inside a quarter hour of UTC). A slot is blocked
    /// if any minute of it is.
    /// </summary>
    public TimerVerdict Over(Instant start, Duration length, DateTimeZone zone, string chargerId, IReadOnlyCollection<string> circuitPath, string? group)
    {
        var verdict = At(start.InZone(zone).LocalDateTime, chargerId, circuitPath, group);
        for (var interval = zone.GetZoneInterval(start); interval.HasEnd && interval.End < start + length; interval = zone.GetZoneInterval(interval.End))
        {
            var next = At(interval.End.InZone(zone).LocalDateTime, chargerId, circuitPath, group);
            if (next.CapAmps is { } cap && (verdict.CapAmps is not { } c || cap < c)) verdict = next;
        }
        return verdict;
    }

    public TimerVerdict At(LocalDateTime local, string chargerId, IEnumerable<string> circuitPath, string? group)
    {
        var path = circuitPath.ToHashSet(StringComparer.Ordinal);
        bool Applies(WeeklyWindow w) => w.Scope switch
        {
            TimerScopeKind.Charger => w.Target == chargerId,
            TimerScopeKind.Circuit => path.Contains(w.Target),
            _ => group is not null && w.Target == group,
        };
        var verdict = TimerVerdict.Free;
        void Tighten(double cap, string reason)
        {
            if (verdict.CapAmps is not { } c || cap < c) verdict = new TimerVerdict(cap, reason);
        }
        foreach (var scope in Windows.Where(Applies).GroupBy(w => (w.Scope, w.Target)))
        {
            var allowed = scope.Where(w => w.Effect == TimerEffect.Allowed).ToList();
            if (allowed.Count > 0 && !allowed.Any(w => w.Holds(local)))
                Tighten(0, $"outside the allowed hours of {allowed[0].Describe().Split(' ')[0]} '{scope.Key.Target}'");
            foreach (var w in scope.Where(w => w.Effect != TimerEffect.Allowed && w.Holds(local)))
                Tighten(w.Effect == TimerEffect.Blocked ? 0 : w.CapAmps,
                    w.Effect == TimerEffect.Blocked
                        ? $"blocked by the timer of {w.Describe()}"
                        : $"capped at {w.CapAmps.ToString("0.#", CultureInfo.InvariantCulture)} A by the timer of {w.Describe()}");
        }
        return verdict;
    }
}
