using System.Globalization;

namespace SmartElek.Operator.Dashboard;

/// <summary>The dashboard's words and number formats (amps to 0.1 A, energy to 0.001 kWh, as the API rounds them).</summary>
public static class Words
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Session(string phase) => phase switch
    {
        "NoVehicle" => "no vehicle",
        "AwaitingAuthorisation" => "plugged in, waiting for a start",
        "Authorised" => "allowed to charge, waiting for the vehicle",
        "Charging" => "charging",
        "SuspendedByEv" => "paused by the vehicle",
        "SuspendedByEvse" => "paused: no current offered",
        "Stopped" => "charging ended, vehicle still plugged in",
        _ => phase,
    };

    public static string Amps(double a) => a.ToString("0.0", Invariant) + " A";

    public static string Kw(double kw) => kw.ToString("0.00", Invariant) + " kW";

    public static string Kwh(double kwh) => kwh.ToString("0.000", Invariant) + " kWh";

    /// <summary>An amount of money with its currency (the tariffs' words for it: EUR, USD, ...).</summary>
    public static string Money(double amount, string currency) => amount.ToString("0.00", Invariant) + (currency.Length > 0 ? " " + currency : "");

    /// <summary>A price per kWh as the tariffs write it (up to 4 decimals).</summary>
    public static string Price(double perKWh, string currency) => perKWh.ToString("0.00##", Invariant) + (currency.Length > 0 ? " " + currency : "") + "/kWh";

    public static string Percent(double p) => p.ToString("0", Invariant) + " %";

    public static string Km(double km) => km.ToString("0", Invariant) + " km";

    /// <summary>A node by its host and port ("akka.tcp://smartelek-site@127.0.0.1:4501" → "127.0.0.1:4501").</summary>
    public static string Node(string? address) =>
        address is null ? "unknown node" : address[(address.LastIndexOf('@') + 1)..];

    /// <summary>"SplitPhase" → "split-phase".</summary>
    public static string Phases(string phases) => phases switch
    {
        "SplitPhase" => "split-phase",
        "ThreePhase" => "3-phase",
        _ => phases,
    };

    /// <summary>A session's time as h:mm:ss.</summary>
    public static string Duration(long seconds) =>
        seconds <= 0 ? "0:00:00" : $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}";

    /// <summary>An age in words: "4 s", "3 min 5 s", "2 h 10 min".</summary>
    public static string Age(double? seconds)
    {
        if (seconds is not { } s) return "never";
        // Whole seconds, rounded as the site view's own reasons round them ("no news … for 6 s").
        var t = TimeSpan.FromSeconds(Math.Round(Math.Max(0, s)));
        if (t.TotalMinutes < 1) return $"{(int)t.TotalSeconds} s";
        if (t.TotalHours < 1) return $"{(int)t.TotalMinutes} min {t.Seconds} s";
        return $"{(int)t.TotalHours} h {t.Minutes} min";
    }
}
