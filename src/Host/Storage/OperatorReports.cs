using System.Globalization;
using NodaTime;
using SmartElek.Actors.Persistence;
using SmartElek.Actors.ReadSide;
using SmartElek.Host.Configuration;
using Spectre.Console;

namespace SmartElek.Host.Storage;

/// <summary>
/// The operator's reports (<c>smartelek-site sessions</c> and <c>energy</c>): read from the read
/// tables of the configured database, without starting the site. The tables are first brought up to
/// the journal (<see cref="ReadSideCatchUp"/>), so a report after a crash is complete. Times and days
/// are the site's (Site:TimeZone). A table on a terminal; plain columns without spaces inside a value when redirected.
/// </summary>
public static class OperatorReports
{
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(20);

    /// <summary>What the commands filter by, as typed; checked by <see cref="Parse"/>.</summary>
    public sealed record Filter(string? Charger, string? From, string? To);

    public static Task<int> SessionsAsync(FileInfo hostJson, Filter filter, TextWriter output, TextWriter error, CancellationToken cancel) =>
        RunAsync(hostJson, filter, error, async (store, _, charger, period) =>
        {
            var zone = store.SiteZone;
            var rows = await store.SessionsAsync(period, charger, cancel);
            if (Plain)
            {
                // A running session: its energy so far (to its newest durable reading) and stop-reason "running".
                output.WriteLine("charger session plugged-in plugged-out charging-from charging-to energy-kWh register-kWh peak-A stop-reason");
                foreach (var s in rows)
                    output.WriteLine(string.Join(' ', s.Charger.Value, s.SessionId, Time(s.PluggedInAt, zone), Time(s.PluggedOutAt, zone),
                        Time(s.ChargingStartedAt, zone), Time(s.ChargingStoppedAt, zone), Energy(s), s.EndRegisterWh is { } r ? Kwh(r) : "-",
                        Number(s.PeakAmps, "0.0"), s.Running ? "running" : s.StopReason ?? "-"));
                output.WriteLine($"sessions {rows.Count}");
                return;
            }
            var table = new Table().Border(TableBorder.Rounded).Title($"Sessions {Describe(period, charger)} ({Markup.Escape(zone.Id)})");
            // Short times so the table fits a terminal: the plug-in day in full, the rest as times of day.
            foreach (var c in new[] { "Charger", "Session", "Plugged in", "Out", "Charging", "kWh", "Register kWh", "Peak A", "Stop reason" })
                table.AddColumn(c);
            foreach (var s in rows)
                table.AddRow(Markup.Escape(s.Charger.Value), Markup.Escape(s.SessionId),
                    Local(s.PluggedInAt, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), Clock(s.PluggedOutAt, zone),
                    s.ChargingStartedAt is null ? "" : $"{Clock(s.ChargingStartedAt, zone)}-{Clock(s.ChargingStoppedAt, zone)}",
                    Energy(s) is var e && e == "-" ? "" : e, s.EndRegisterWh is { } r ? Kwh(r) : "",
                    Number(s.PeakAmps, "0.0"),
                    s.Running ? "[green]running[/]" : s.StopReason == "PowerLoss" ? "[red]PowerLoss[/]" : Markup.Escape(s.StopReason ?? ""));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"{rows.Count} sessions");
            if (rows.Where(s => s.Running).Select(s => s.EnergyAsOf).Max() is { } newest)
                AnsiConsole.MarkupLine($"[green]running[/]: energy so far, to the session's newest durable reading (the newest at {Clock(newest, zone)})");
        });

    public static Task<int> EnergyAsync(FileInfo hostJson, Filter filter, TextWriter output, TextWriter error, CancellationToken cancel) =>
        RunAsync(hostJson, filter, error, async (store, options, charger, period) =>
        {
            var zone = store.SiteZone;
            var tariff = options.Storage.TariffPerKwh;
            var days = await store.EnergyByChargerAndDayAsync(period, charger, cancel);
            var site = await store.EnergyBySiteDayAsync(period, cancel);
            var totals = await store.TotalsAsync(period, tariff, charger, cancel);
            // Today is not over: its rows hold the energy up to the newest durable reading.
            var today = LocalDays.DayOf(DateTimeOffset.UtcNow, zone);
            var soFarTo = days.Any(d => d.Day == today) ? await store.LatestReadingAsync(charger, cancel) : null;
            if (Plain)
            {
                output.WriteLine("day charger energy-kWh cost");
                foreach (var d in days)
                    output.WriteLine(string.Join(' ', Day(d.Day), d.Charger.Value, Kwh(d.EnergyWh), Money(d.EnergyWh, tariff)));
                if (charger is null)
                    foreach (var d in site)
                        output.WriteLine(string.Join(' ', Day(d.Day), "site", Kwh(d.EnergyWh), Money(d.EnergyWh, tariff)));
                if (soFarTo is { } to)
                    output.WriteLine(string.Join(' ', "today", Day(today), "so-far-to", Time(to, zone)));
                output.WriteLine(string.Join(' ', "total", charger?.Value ?? "site", Kwh(totals.EnergyWh), Number(totals.Cost, "0.00"),
                    $"tariff={Number(tariff, "0.####")}/kWh", $"zone={zone.Id}"));
                return;
            }
            var table = new Table().Border(TableBorder.Rounded).Title($"Energy {Describe(period, charger)} (days of {Markup.Escape(zone.Id)})");
            foreach (var c in new[] { "Day", "Charger", "kWh", "Cost" }) table.AddColumn(c);
            string DayCell(DateOnly day) => day == today ? $"{Day(day)} (so far)" : Day(day);
            foreach (var d in days)
                table.AddRow(DayCell(d.Day), Markup.Escape(d.Charger.Value), Kwh(d.EnergyWh), Money(d.EnergyWh, tariff));
            if (charger is null)
                foreach (var d in site)
                    table.AddRow($"[bold]{DayCell(d.Day)}[/]", $"[bold]site ({d.Chargers} chargers)[/]", $"[bold]{Kwh(d.EnergyWh)}[/]", $"[bold]{Money(d.EnergyWh, tariff)}[/]");
            AnsiConsole.Write(table);
            if (soFarTo is { } asOf)
                AnsiConsole.MarkupLine($"Today so far: up to the newest durable reading at {Clock(asOf, zone)}");
            AnsiConsole.MarkupLine($"Total: [bold]{Kwh(totals.EnergyWh)} kWh[/], cost [bold]{Number(totals.Cost, "0.00")}[/] at {Number(tariff, "0.####")} per kWh");
        });

    private static bool Plain => System.Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive;

    private delegate Task Report(ReadStore store, HostOptions options, ChargerId? charger, ReadPeriod period);

    private static async Task<int> RunAsync(FileInfo hostJson, Filter filter, TextWriter error, Report report)
    {
        HostOptions options;
        try
        {
            options = HostConfiguration.Load(hostJson.FullName);
        }
        catch (ConfigException e)
        {
            await error.WriteLineAsync(e.Message);
            return 2;
        }
        if (Parse(filter) is not { } parsed)
        {
            foreach (var problem in Problems(filter)) await error.WriteLineAsync(problem);
            return 2;
        }

        var persistence = HostStorage.ToPersistenceOptions(options.Storage);
        if (persistence.Provider == PersistenceProvider.Sqlite && !File.Exists(persistence.SqliteFilePath))
        {
            await error.WriteLineAsync($"No database at {persistence.SqliteFilePath} (Storage:DataFolder): the site has not run with this configuration yet.");
            return 1;
        }
        var store = HostStorage.ReadStoreOf(options.Storage, siteZone: SiteTime.ZoneOf(options.Site));
        try
        {
            if (!await ReadSideCatchUp.RunAsync(persistence, store, CatchUpTimeout))
                await error.WriteLineAsync($"The read tables did not catch up with the journal within {CatchUpTimeout.TotalSeconds:0} s; the newest events may be missing.");
            await report(store, options, parsed.Charger, parsed.Period);
            return 0;
        }
        catch (System.Data.Common.DbException e)
        {
            // The provider's message names the problem (unreachable, refused), not the connection string.
            await error.WriteLineAsync($"The database cannot be read ({persistence.Provider}): {e.Message}");
            return 1;
        }
    }

    /// <summary>The filter as values, or null when <see cref="Problems"/> has something to say.</summary>
    public static (ChargerId? Charger, ReadPeriod Period)? Parse(Filter filter) =>
        Problems(filter).Count > 0
            ? null
            : (filter.Charger is null ? null : new ChargerId(filter.Charger), new ReadPeriod(DayOf(filter.From), DayOf(filter.To)));

    /// <summary>Each bad option, naming it and what was typed.</summary>
    public static IReadOnlyList<string> Problems(Filter filter)
    {
        var problems = new List<string>();
        if (filter.Charger is { } c)
        {
            try { _ = new ChargerId(c); }
            catch (ArgumentException e) { problems.Add($"--charger: {e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)}"); }
        }
        DateOnly? from = null, to = null;
        if (filter.From is { } f && !TryDay(f, out var fd)) problems.Add($"--from: '{f}' is not a day; write it as yyyy-MM-dd.");
        else if (filter.From is not null) from = DayOf(filter.From);
        if (filter.To is { } t && !TryDay(t, out _)) problems.Add($"--to: '{t}' is not a day; write it as yyyy-MM-dd.");
        else if (filter.To is not null) to = DayOf(filter.To);
        if (from > to) problems.Add($"--from {Day(from!.Value)} is after --to {Day(to!.Value)}.");
        return problems;
    }

    private static bool TryDay(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    private static DateOnly? DayOf(string? text) => text is not null && TryDay(text, out var d) ? d : null;

    private static string Describe(ReadPeriod period, ChargerId? charger) =>
        Markup.Escape($"{(charger is { } c ? c.Value : "site")}, {(period.From is { } f ? Day(f) : "start")} to {(period.To is { } t ? Day(t) : "now")}");

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Local time of the site with its offset from UTC, so that the hour repeated by a daylight-saving change stays apart.
    private static string Time(DateTimeOffset? at, DateTimeZone zone) =>
        at is { } t ? Local(t, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) : "-";

    // An ended session's energy is final; a running one's is its energy so far ("-" before its first durable reading).
    private static string Energy(SessionRecord s) => !s.Running || s.EnergyAsOf is not null ? Kwh(s.EnergyWh) : "-";

    private static string Clock(DateTimeOffset? at, DateTimeZone zone) =>
        at is { } t ? Local(t, zone).ToString("HH:mm", CultureInfo.InvariantCulture) : "";

    // The site's clock at an instant, with its offset from UTC.
    private static DateTimeOffset Local(DateTimeOffset at, DateTimeZone zone) => Instant.FromDateTimeOffset(at).InZone(zone).ToDateTimeOffset();

    private static string Kwh(double wh) => Number(wh / 1000, "0.000");

    private static string Money(double wh, double tariff) => Number(wh / 1000 * tariff, "0.00");

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
