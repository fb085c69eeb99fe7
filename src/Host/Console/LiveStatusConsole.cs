using Akka.Actor;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SmartElek.Actors.Charger;
using SmartElek.Charger.Leds;
using SmartElek.Host.Chargers;
using SmartElek.Host.Configuration;
using SmartElek.Host.Site;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SmartElek.Host.Console;

/// <summary>
/// Shows every local charger's status: a live table on a terminal, or a summary line per charger
/// every few seconds when the output is redirected (a service, a test).
/// </summary>
public sealed class LiveStatusConsole(
    SiteChargers chargers, ConsoleOptions options, RecentLog recentLog, SiteNode site, ILogger<LiveStatusConsole> log)
    : BackgroundService
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    /// <summary>True when the live table owns the terminal (log lines then go to <see cref="RecentLog"/>).</summary>
    public static bool UsesLiveTable(ConsoleOptions options) =>
        options.LiveTable && !System.Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await chargers.Started.WaitAsync(stoppingToken);
        if (UsesLiveTable(options))
            await RunLiveTable(stoppingToken);
        else
            await RunSummaryLines(stoppingToken);
    }

    private async Task<IReadOnlyList<ChargerStatus>> Snapshot()
    {
        var asks = chargers.All.Select(c => c.Unit.Ask<ChargerStatus>(ChargerProtocol.GetStatus.Instance, AskTimeout));
        return await Task.WhenAll(asks);
    }

    /// <summary>
    /// Each circuit's load from the allocator's ledger (every charger of the site, wherever it
    /// runs): the granted amps and what the chargers may be drawing (the amps the allocator
    /// counts against the limit), and the current metered by this node's own units.
    /// </summary>
    private async Task<IReadOnlyList<(CircuitLoad Granted, CircuitLoad MayDraw, CircuitLoad DrawnHere)>?> Circuits(IReadOnlyList<ChargerStatus> local)
    {
        if (await site.LedgerAsync(AskTimeout) is not { } ledger) return null;
        var granted = CircuitLoads.Of(site.Topology, ledger.Chargers.ToDictionary(v => v.Charger, v => v.GrantedAmps));
        var mayDraw = CircuitLoads.Of(site.Topology, ledger.Chargers.ToDictionary(v => v.Charger, v => v.ExposureAmps));
        var drawn = CircuitLoads.Of(site.Topology, local.ToDictionary(s => s.ChargerId, s => s.DrawnAmps));
        return [.. granted.Select((g, i) => (g, mayDraw[i], drawn[i]))];
    }

    private static string Reason(ChargerStatus s) => s.GrantLimit?.ToString() ?? "no grant yet";

    private async Task RunLiveTable(CancellationToken stoppingToken)
    {
        var started = DateTimeOffset.UtcNow;
        await AnsiConsole.Live(new Text("starting…")).AutoClear(false).StartAsync(async ctx =>
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var statuses = await Snapshot();
                    ctx.UpdateTarget(Render(statuses, await Circuits(statuses), DateTimeOffset.UtcNow - started));
                    ctx.Refresh();
                }
                catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
                {
                    // A unit that does not answer in time is shown again on the next round.
                }
                try { await Task.Delay(options.RefreshMilliseconds, stoppingToken); }
                catch (OperationCanceledException) { }
            }
        });
    }

    private async Task RunSummaryLines(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromMilliseconds(Math.Max(options.RefreshMilliseconds, 5000));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // simulated= is the simulator's own exact count of energy delivered in this process, to check the meter against.
                var statuses = await Snapshot();
                foreach (var (s, c) in statuses.Zip(chargers.All))
                    log.LogInformation("{Charger} pilot={Pilot} status-led=\"{Led}\" granted={Granted:0.0}A grant-epoch={Epoch} limit=\"{Reason}\" offered={Offered:0.0}A drawn={Drawn:0.0}A session={Session} {Kwh:0.000}kWh register={Register:0.0}Wh simulated={Simulated:0.0}Wh faults={Faults}",
                        s.ChargerId, s.Pilot, s.StatusLed.Describe(), s.GrantedAmps, s.AppliedGrantEpoch, Reason(s), s.OfferedAmps, s.DrawnAmps, s.Session, s.SessionKwh, s.RegisterWh, c.Hardware.DeliveredWh,
                        s.Faults.Count == 0 ? "none" : string.Join(",", s.Faults.Select(f => f.Kind)));
                if (await Circuits(statuses) is { } circuits)
                    foreach (var (granted, mayDraw, drawn) in circuits)
                        log.LogInformation("circuit {Circuit} line={Line} granted={Granted:0.0}A may-draw={MayDraw:0.0}A limit={Limit:0.0}A drawn-here={Drawn:0.0}A {Verdict}",
                            granted.CircuitId, mayDraw.Line, granted.Amps, mayDraw.Amps, mayDraw.LimitAmps, drawn.Amps, mayDraw.Over ? "OVER" : "ok");
                else
                    log.LogInformation("circuits: the allocator did not answer (node joining or between cluster lives)");
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                log.LogWarning("A charger did not answer its status request in time");
            }
            try { await Task.Delay(period, stoppingToken); }
            catch (OperationCanceledException) { }
        }
    }

    private IRenderable Render(IReadOnlyList<ChargerStatus> statuses,
        IReadOnlyList<(CircuitLoad Granted, CircuitLoad MayDraw, CircuitLoad DrawnHere)>? circuits, TimeSpan sinceStart)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]SmartElek Site[/] — {statuses.Count} chargers, up {sinceStart:hh\\:mm\\:ss}");
        foreach (var column in new[] { "Charger", "Pilot", "STATUS", "NETWORK", "Relays", "Granted", "Limited by", "Offered", "Drawn", "Power", "Session", "kWh", "Time", "Register", "Faults" })
            table.AddColumn(new TableColumn(column));
        foreach (var s in statuses)
        {
            table.AddRow(
                new Markup(Markup.Escape(s.Name)),
                new Markup(s.Pilot.ToString()),
                Led(s.StatusLed, sinceStart),
                Led(s.NetworkLed, sinceStart),
                new Markup(s.RelaysClosed ? "[green]closed[/]" : "open"),
                new Markup($"{s.GrantedAmps:0.0} A"),
                new Markup(Markup.Escape(Reason(s))),
                new Markup($"{s.OfferedAmps:0.0} A"),
                new Markup($"{s.DrawnAmps:0.0} A"),
                new Markup($"{s.PowerW / 1000:0.00} kW"),
                new Markup(s.Session.ToString()),
                new Markup($"{s.SessionKwh:0.000}"),
                new Markup(s.SessionDuration == TimeSpan.Zero ? "" : $"{s.SessionDuration:hh\\:mm\\:ss}"),
                new Markup($"{s.RegisterWh / 1000:0.000} kWh"),
                new Markup(s.Faults.Count == 0 ? "" : "[red]" + Markup.Escape(string.Join(", ", s.Faults.Select(f => f.Kind))) + "[/]"));
        }
        var log = new Panel(new Markup(Markup.Escape(string.Join("\n", recentLog.Lines.DefaultIfEmpty("")))))
            .Header("recent events").Border(BoxBorder.Rounded).Expand();
        return new Rows(table, CircuitTable(circuits), log, new Markup("[grey]Ctrl+C stops the site.[/]"));
    }

    private static IRenderable CircuitTable(IReadOnlyList<(CircuitLoad Granted, CircuitLoad MayDraw, CircuitLoad DrawnHere)>? circuits)
    {
        if (circuits is null) return new Markup("[yellow]circuits: the allocator does not answer (node joining or between cluster lives)[/]");
        var table = new Table().Border(TableBorder.Rounded).Title("circuits (worst line; granted and may-draw from the allocator, drawn from this node's units)");
        foreach (var column in new[] { "Circuit", "Line", "Granted", "May draw", "Limit", "Drawn here", "" })
            table.AddColumn(new TableColumn(column));
        foreach (var (granted, mayDraw, drawn) in circuits)
        {
            var load = mayDraw.LimitAmps > 0 ? mayDraw.Amps / mayDraw.LimitAmps : 0;
            var bar = new string('█', (int)Math.Round(Math.Clamp(load, 0, 1) * 20)).PadRight(20, '·');
            table.AddRow(
                new Markup(new string(' ', granted.Depth * 2) + Markup.Escape(granted.CircuitId)),
                new Markup(mayDraw.Line.ToString()),
                new Markup($"{granted.Amps:0.0} A"),
                new Markup($"{mayDraw.Amps:0.0} A"),
                new Markup($"{mayDraw.LimitAmps:0.0} A"),
                new Markup($"{drawn.Amps:0.0} A"),
                new Markup(mayDraw.Over ? $"[red]{bar} OVER[/]" : load > 0.9 ? $"[yellow]{bar}[/]" : $"[green]{bar}[/]"));
        }
        return table;
    }

    // The LED as a person would see it now: lit or dark in its colour, with the pattern's name.
    private static IRenderable Led(LedPattern pattern, TimeSpan now)
    {
        var colour = pattern.Color switch { LedColor.Green => "green", LedColor.Red => "red", LedColor.Blue => "blue", _ => "grey" };
        var dot = pattern.Color != LedColor.Off && pattern.IsLitAt(now) ? $"[{colour}]●[/]" : "[grey]○[/]";
        return new Markup($"{dot} {Markup.Escape(pattern.Describe())}");
    }
}
