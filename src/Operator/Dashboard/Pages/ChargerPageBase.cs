using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using SmartElek.Operator.Api;
using SmartElek.Site.Topology;
using SmartElek.Site.View;

namespace SmartElek.Operator.Dashboard.Pages;

/// <summary>One charger, live: the API's detail of it (a driver: only their own; others are "no such charger", as the API answers 404).</summary>
public abstract class ChargerPageBase : LiveSiteComponent
{
    [Parameter] public string Id { get; set; } = "";
    [CascadingParameter] private Task<AuthenticationState> Authentication { get; set; } = null!;

    protected ChargerPlacement? Placement { get; private set; }
    protected ChargerDetailDto? Detail { get; private set; }
    protected string UserName { get; private set; } = "";

    protected List<BreadcrumbItem> Crumbs => [new("Dashboard", "/"), new(Id, null, disabled: true)];

    protected override async Task OnInitializedAsync()
    {
        UserName = (await Authentication).User.Identity?.Name ?? "";
        await base.OnInitializedAsync();
    }

    protected override void OnParametersSet() => Refresh();

    protected override void Refresh()
    {
        Placement = ChargerAccess.TryFind(Settings.Topology, Id, out var placement) && Access.Chargers.MaySee(placement.Id) ? placement : null;
        Detail = Placement is null ? null : SiteReadModel.Detail(Store.Current.Row(Placement, Clock.GetUtcNow()), Clock.GetUtcNow());
    }
}
