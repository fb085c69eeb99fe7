using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SmartElek.Actors.Site;
using SmartElek.Operator.Api;
using SmartElek.Operator.Commissioning;
using SmartElek.Operator.Users;
using static SmartElek.Site.Commissioning.TopologyCommands;

namespace SmartElek.Operator.Dashboard.Pages;

/// <summary>
/// Commissioning on the dashboard: permit-join, the units waiting to join (their NETWORK LED as the
/// manual draws it), placing one, the circuits with their ratings, taking a charger out. Changes go
/// through the same <see cref="TopologyChanges"/> as the API's (operators only); refusals are shown at
/// the field they name. Live: it shows the node's <see cref="LiveTopology"/>, refreshed with the page.
/// </summary>
public abstract class CommissioningPage : LiveSiteComponent
{
    [Inject] private LiveTopology Live { get; set; } = null!;
    [Inject] private TopologyChanges Changes { get; set; } = null!;
    [Inject] private UserStore UserStore { get; set; } = null!;
    [Inject] private IServiceProvider Services { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;

    /// <summary>The manual's "permit-join open" pattern: blue, once a second.</summary>
    protected static readonly LedDto PermitJoinLed = new("blue", "blue flashing 1 Hz", [new(true, 500), new(false, 500)]);

    protected TopologySnapshot Snapshot { get; private set; } = null!;
    protected IReadOnlyList<SiteTopologyProtocol.PendingCharger> Pending { get; private set; } = [];
    protected IReadOnlyList<OperatorUser> Drivers { get; private set; } = [];
    protected bool PermitJoinOpen { get; private set; }
    protected bool CanPowerUp => Services.GetService<IUnitSimulator>() is not null;
    protected bool Busy { get; private set; }
    protected double Minutes { get; set; } = 5;
    protected string? Placing { get; set; }
    protected string? Editing { get; set; }
    protected double EditRating { get; set; }
    private Dictionary<string, string[]> _errors = [];

    protected List<BreadcrumbItem> Crumbs => [new("Dashboard", "/"), new("Commissioning", null, disabled: true)];

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        if (Access.IsOperator) Drivers = [.. (await UserStore.ListUsersAsync()).Where(u => u.Role == Roles.Driver)];
    }

    protected override void Refresh()
    {
        Snapshot = Live.Current;
        PermitJoinOpen = Snapshot.PermitJoinOpen(Clock.GetUtcNow());
        Pending = [.. Snapshot.Pending.Where(p => !Snapshot.Topology.ChargerById.ContainsKey(p.Charger))];
        if (Placing is not null && Snapshot.Topology.ChargerById.ContainsKey(new ChargerId(Placing))) Placing = null;
    }

    protected bool Has(string field) => _errors.ContainsKey(field);

    protected string? ErrorOf(string field) => _errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;

    protected Task OpenPermitJoinAsync() => SendAsync("Permit-join", new OpenPermitJoin(TimeSpan.FromMinutes(Minutes)));

    protected Task ClosePermitJoinAsync() => SendAsync("Permit-join closed", new ClosePermitJoin());

    protected void StartEdit(string circuit, double rating)
    {
        Editing = circuit;
        EditRating = rating;
        _errors = [];
    }

    protected async Task SaveRatingAsync()
    {
        if (await SendAsync($"Circuit {Editing}", new SetCircuit(Editing, null, EditRating,
            SmartElek.Site.Commissioning.SpecEdits.Find(Snapshot.Topology.Spec, Editing!)?.Circuit.LineLimitAmps)))
            Editing = null;
    }

    protected async Task RemoveAsync(string charger)
    {
        var yes = await Dialogs.ShowMessageBoxAsync($"Take {charger} out of the site?",
            "It is offered 0 A at once; its amps go to the others once its lease and the vehicle's 5 s window are over.", yesText: "Take out", cancelText: "Cancel");
        if (yes == true) await SendAsync($"{charger} taken out", new RemoveCharger(charger));
    }

    protected async Task PowerUpAsync()
    {
        Busy = true;
        try
        {
            var id = await Services.GetRequiredService<IUnitSimulator>().PowerUpAsync(CancellationToken.None);
            Snackbar.Add($"{id} powered up: it waits to join{(PermitJoinOpen ? "" : " (open permit-join to see it)")}", Severity.Info);
        }
        finally
        {
            Busy = false;
        }
    }

    protected async Task OnPlacedAsync(string charger)
    {
        Placing = null;
        Snackbar.Add($"{charger} placed: the allocator grants it within a round", Severity.Success);
        await InvokeAsync(() =>
        {
            Refresh();
            StateHasChanged();
        });
    }

    private async Task<bool> SendAsync(string what, Command command)
    {
        Busy = true;
        _errors = [];
        try
        {
            switch (await Changes.SendAsync(command, CancellationToken.None))
            {
                case TopologyChanges.Outcome.Done d:
                    Snackbar.Add($"{what}: topology version {d.Version}", Severity.Success);
                    Refresh();
                    return true;
                case TopologyChanges.Outcome.Refused r:
                    _errors = new(r.Errors);
                    Snackbar.Add($"{what}: {string.Join("; ", r.Errors.SelectMany(e => e.Value))}", Severity.Error);
                    return false;
                case TopologyChanges.Outcome.Unavailable u:
                    Snackbar.Add($"{what}: {u.Why}", Severity.Error);
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
}
