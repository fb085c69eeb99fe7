using SmartElek.Operator.Api;
using SmartElek.Site.Topology;
using SmartElek.Site.View;

namespace SmartElek.Operator.Dashboard.Pages;

/// <summary>
/// The live dashboard's state: the API's read model of the node's site view, filtered to what the
/// user may see, grouped by circuit, searched and paged (at most <see cref="PageSize"/> cards render).
/// </summary>
public abstract class DashboardPage : LiveSiteComponent
{
    public const int PageSize = 24;

    /// <summary>Up to this many circuits the tree shows them all; above it, branch circuits show under their selected panel only.</summary>
    public const int FullTreeUpTo = 40;

    protected static readonly (string Key, string Label)[] ShowChoices =
        [("all", "All chargers"), ("charging", "Charging"), ("plugged", "Vehicle plugged in"), ("faulted", "Faulted"), ("unreachable", "Unreachable")];

    protected IReadOnlyList<CircuitDto> Circuits { get; private set; } = [];
    protected IReadOnlyList<ChargerDetailDto> Page { get; private set; } = [];
    protected SiteCountsDto Counts { get; private set; } = new(0, 0, 0, 0, 0, 0);
    protected string Allocator { get; private set; } = "";
    protected string? CircuitFilter { get; private set; }
    protected string? Search { get; private set; }
    protected string Show { get; private set; } = "all";
    protected int PageNumber { get; private set; } = 1;
    protected int PageCount { get; private set; } = 1;
    protected string ShownText { get; private set; } = "";

    protected override void Refresh()
    {
        var now = Clock.GetUtcNow();
        var view = Store.Current;
        var topology = Settings.Topology;
        var visible = topology.Chargers.Where(c => Access.Chargers.MaySee(c.Id)).Select(c => view.Row(c, now)).ToList();
        Counts = new SiteCountsDto(visible.Count, visible.Count(r => r.Reach == ChargerReach.Live), visible.Count(r => r.Reach == ChargerReach.Unreachable),
            visible.Count(r => r.Reach == ChargerReach.Unknown), visible.Count(r => Is(r, "charging")), visible.Count(r => Is(r, "faulted")));
        var site = SiteReadModel.Site(view, topology, Store.Node, now);
        Allocator = site.Allocator switch
        {
            { Rebuilding: true } => "allocator rebuilding its ledger",
            { Answering: true } => "allocator answering",
            { AgeSeconds: { } age } => $"allocator silent for {Words.Age(age)}",
            _ => "allocator not heard yet",
        };
        // A driver sees the circuits their chargers hang on (the capacity they share), not the others.
        var mine = visible.Select(r => r.Placement.Id.Value).ToHashSet(StringComparer.Ordinal);
        var circuits = SiteReadModel.Circuits(view, topology, now).Circuits.Where(c => Access.SeesWholeSite || c.ChargerIds.Any(mine.Contains)).ToList();
        Circuits = circuits.Count <= FullTreeUpTo ? circuits : [.. circuits.Where(c => Shown(c, topology))];

        var under = CircuitFilter is { } id && topology.Circuits.TryGetValue(id, out var circuit)
            ? SiteTopology.ChargersUnder(topology, circuit).Select(c => c.Id).ToHashSet()
            : null;
        var rows = visible.Where(r => (under is null || under.Contains(r.Placement.Id)) && Is(r, Show) && Matches(r, Search)).ToList();
        PageCount = Math.Max(1, (rows.Count + PageSize - 1) / PageSize);
        PageNumber = Math.Clamp(PageNumber, 1, PageCount);
        Page = [.. rows.Skip((PageNumber - 1) * PageSize).Take(PageSize).Select(r => SiteReadModel.Detail(r, now))];
        ShownText = rows.Count == 0 ? "" : $"{(PageNumber - 1) * PageSize + 1}–{(PageNumber - 1) * PageSize + Page.Count} of {rows.Count}";
    }

    // A large site's tree: every circuit with circuits below it, and the leaves (branches) of the selected circuit's panel.
    private bool Shown(CircuitDto c, SiteTopology topology)
    {
        if (!topology.Circuits.TryGetValue(c.Id, out var circuit) || circuit.ChildIds.Count > 0) return true;
        if (CircuitFilter is not { } selected) return false;
        return c.Id == selected || c.ParentId == selected
               || (topology.Circuits.TryGetValue(selected, out var s) && s.ParentId is { } p && p == c.ParentId);
    }

    /// <summary>
    /// Cards are grouped by the circuit that feeds the charger's branch (a panel), since a branch
    /// circuit usually carries one charger; a charger on a top circuit is grouped by it.
    /// </summary>
    protected string GroupOf(ChargerDetailDto charger)
    {
        var circuits = Settings.Topology.Circuits;
        var id = charger.Summary.CircuitId;
        return circuits.TryGetValue(id, out var c) && c.ParentId is { } parent ? parent : id;
    }

    private static bool Is(ChargerRow r, string show) => show switch
    {
        "charging" => r.Reach == ChargerReach.Live && r.Last!.Session == Charger.Sessions.SessionPhase.Charging,
        "plugged" => r.Last is { Pilot: not Charger.J1772.PilotState.A },
        "faulted" => r.Last is { Faults.Count: > 0 },
        "unreachable" => r.Reach != ChargerReach.Live,
        _ => true,
    };

    private static bool Matches(ChargerRow r, string? search) =>
        string.IsNullOrWhiteSpace(search)
        || r.Placement.Id.Value.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
        || (r.Last?.Name.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase) ?? false);

    protected Task SelectCircuitAsync(string? circuit) => Change(() => CircuitFilter = circuit == CircuitFilter ? null : circuit);

    protected Task SearchAsync(string? text) => Change(() => Search = text);

    protected Task ShowAsync(string show) => Change(() => Show = show);

    protected Task GoToPageAsync(int page)
    {
        PageNumber = page;
        Refresh();
        return Task.CompletedTask;
    }

    private Task Change(Action change)
    {
        change();
        PageNumber = 1;
        Refresh();
        return Task.CompletedTask;
    }
}
