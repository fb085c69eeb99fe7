using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using SmartElek.Operator.Rules;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Dashboard.Pages;

/// <summary>
/// The site's rules on the dashboard: weekly timers, energy budgets (used and remaining this period)
/// and the shortfall rule. Operators change them (through <see cref="DashboardRules"/>, refusals shown
/// at their field); viewers read them; a driver sees only the budgets that apply to them.
/// </summary>
public abstract class RulesPage : LiveSiteComponent
{
    [Inject] private SiteRulesAccess Rules { get; set; } = null!;
    [Inject] private DashboardRules Changes { get; set; } = null!;
    [Inject] private UserStore UserStore { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private IServiceProvider Services { get; set; } = null!;
    [CascadingParameter] private Task<AuthenticationState> Authentication { get; set; } = null!;

    /// <summary>How often the rules are read again (budgets' use grows as vehicles charge).</summary>
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    protected RulesDto? Current { get; private set; }
    protected string? Why { get; private set; }
    protected IReadOnlyList<OperatorUser> Drivers { get; private set; } = [];
    protected IReadOnlyCollection<string> Groups { get; private set; } = [];
    protected bool Busy { get; private set; }
    protected List<BreadcrumbItem> Crumbs => [new("Dashboard", "/"), new("Rules", null, disabled: true)];

    // The timer form (add, or edit the timer EditingTimer).
    protected string? EditingTimer { get; set; }
    protected string TimerScope { get; set; } = "charger";
    protected string TimerTarget { get; set; } = "";
    protected string TimerDays { get; set; } = "daily";
    protected string TimerFrom { get; set; } = "00:00";
    protected string TimerTo { get; set; } = "24:00";
    protected string TimerEffect { get; set; } = "blocked";
    protected string TimerCap { get; set; } = "";

    // The budget form.
    protected string BudgetScope { get; set; } = "driver";
    protected string BudgetName { get; set; } = "";
    protected string BudgetPeriod { get; set; } = "month";
    protected string BudgetKwh { get; set; } = "";

    protected string ShortfallRule { get; set; } = "earliestDepartureFirst";

    private string _me = "";
    private string? _myGroup;
    private Timer? _timer;
    private Dictionary<string, string[]> _errors = [];

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        var user = (await Authentication).User;
        _me = user.Identity?.Name ?? "";
        _myGroup = user.UserId() is { } id ? (await UserStore.FindByIdAsync(id))?.Group : null;
        if (Access.IsOperator) Drivers = [.. (await UserStore.ListUsersAsync()).Where(u => u.Role == Roles.Driver)];
        Groups = UserEndpoints.KnownGroups(Services);
        await LoadAsync(settingsToo: true);
        _timer = new Timer(_ => _ = InvokeAsync(async () =>
        {
            await LoadAsync(settingsToo: false);
            StateHasChanged();
        }), null, Every, Every);
    }

    protected override void Refresh()
    {
        // The rules come from the keeper (LoadAsync); the topology for the timer form from Settings.
    }

    private async Task LoadAsync(bool settingsToo)
    {
        var (rules, why) = await Rules.RulesAsync(CancellationToken.None);
        Why = why;
        if (rules is null) return;
        Current = rules;
        if (settingsToo && rules.Settings.ShortfallRule is { } rule) ShortfallRule = rule;
    }

    /// <summary>The budgets this user sees: all for operators and viewers, a driver's own (by name or group).</summary>
    protected IEnumerable<BudgetDto> VisibleBudgets =>
        (Current?.Budgets ?? []).Where(b => Access.Role != Roles.Driver
                                            || (b.Scope == "driver" && b.Name == _me) || (b.Scope == "group" && b.Name == _myGroup));

    protected IEnumerable<string> TargetsOf(string scope) => scope switch
    {
        "charger" => Settings.Topology.Chargers.Select(c => c.Id.Value),
        "circuit" => Settings.Topology.CircuitsInOrder.Select(c => c.Id),
        _ => Groups.Order(StringComparer.Ordinal),
    };

    protected bool Has(string field) => _errors.ContainsKey(field);

    protected string? ErrorOf(string field) => _errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;

    protected void EditTimer(TimerDto t)
    {
        (EditingTimer, TimerScope, TimerTarget, TimerDays, TimerFrom, TimerTo, TimerEffect, TimerCap) =
            (t.Id, t.Scope, t.Target, t.Days, t.From, t.To, t.Effect, t.CapAmps?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
        _errors = [];
    }

    protected void CancelTimer()
    {
        EditingTimer = null;
        _errors = [];
    }

    protected async Task SaveTimerAsync()
    {
        var request = new TimerRequest(TimerScope, TimerTarget, TimerDays, TimerFrom, TimerTo, TimerEffect, Number(TimerCap));
        var editing = EditingTimer;
        if (await ChangeAsync(editing is null ? "Timer added" : "Timer saved", (r, by) => r.SaveTimerAsync(editing, request, by, CancellationToken.None)))
            EditingTimer = null;
    }

    protected async Task RemoveTimerAsync(TimerDto t)
    {
        if (await Dialogs.ShowMessageBoxAsync("Remove this timer?", t.Text, yesText: "Remove", cancelText: "Cancel") == true)
            await ChangeAsync("Timer removed", (r, by) => r.RemoveTimerAsync(t.Id, by, CancellationToken.None));
    }

    protected Task AddBudgetAsync() =>
        ChangeAsync("Budget added", (r, by) => r.SaveBudgetAsync(null, new BudgetRequest(BudgetScope, BudgetName, BudgetPeriod, Number(BudgetKwh)), by, CancellationToken.None));

    protected async Task RemoveBudgetAsync(BudgetDto b)
    {
        if (await Dialogs.ShowMessageBoxAsync("Remove this budget?", b.Text, yesText: "Remove", cancelText: "Cancel") == true)
            await ChangeAsync("Budget removed", (r, by) => r.RemoveBudgetAsync(b.Id, by, CancellationToken.None));
    }

    protected Task LiftBudgetAsync(BudgetDto b) => ChangeAsync("Budget lifted until its period turns", (r, by) => r.LiftBudgetAsync(b.Id, by, CancellationToken.None));

    protected Task SaveShortfallAsync() =>
        ChangeAsync("Shortfall rule saved", (r, by) => r.SetSettingsAsync(new PlanningSettingsDto(ShortfallRule), by, CancellationToken.None));

    // A number field left empty is no number; one that does not read as a number is sent as NaN, which the rules refuse at the field.
    private static double? Number(string text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var x) ? x : double.NaN;

    private async Task<bool> ChangeAsync(string what, Func<SiteRulesAccess, string, Task<RuleOutcome>> change)
    {
        Busy = true;
        _errors = [];
        try
        {
            switch (await Changes.AsOperatorAsync(change, CancellationToken.None))
            {
                case RuleOutcome.Done:
                    Snackbar.Add($"{what}.", Severity.Success);
                    await LoadAsync(settingsToo: false);
                    return true;
                case RuleOutcome.Refused r:
                    _errors = new(r.Errors);
                    Snackbar.Add($"{what.Split(' ')[0]}: {string.Join(" ", r.Errors.SelectMany(e => e.Value))}", Severity.Error);
                    return false;
                case RuleOutcome.Missing m:
                    Snackbar.Add(m.What, Severity.Warning);
                    await LoadAsync(settingsToo: false);
                    return false;
                case RuleOutcome.Unavailable u:
                    Snackbar.Add(u.Why, Severity.Error);
                    return false;
                default:
                    return false;
            }
        }
        finally
        {
            Busy = false;
        }
    }

    protected override void Dispose(bool disposing)
    {
        _timer?.Dispose();
        base.Dispose(disposing);
    }
}
