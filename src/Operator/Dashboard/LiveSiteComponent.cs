using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using SmartElek.Actors.SiteView;
using View = SmartElek.Site.View.SiteView;

namespace SmartElek.Operator.Dashboard;

/// <summary>
/// A page that shows the node's site view live: each change of the view (the site view actor's push)
/// schedules one render at most <see cref="Coalesce"/> later, so a burst of batches costs one render
/// and a change is on the screen well within a second. A 1 s tick keeps the ages of silent chargers growing.
/// </summary>
public abstract class LiveSiteComponent : ComponentBase, IDisposable
{
    /// <summary>How long changes are gathered into one render.</summary>
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(100);

    private int _renderPending;
    private Timer? _tick;
    private bool _disposed;

    [Inject] protected SiteViewStore Store { get; set; } = null!;
    [Inject] protected OperatorApiSettings Settings { get; set; } = null!;
    [Inject] protected TimeProvider Clock { get; set; } = null!;
    [Inject] private SmartElek.Operator.Users.UserStore Users { get; set; } = null!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    protected DashboardAccess Access { get; private set; } = DashboardAccess.Nobody;

    /// <summary>How often an open page reads the user's rights again (a command checks them anyway when it is sent).</summary>
    public static readonly TimeSpan AccessRecheck = TimeSpan.FromSeconds(15);

    private long _ticks;

    protected override async Task OnInitializedAsync()
    {
        Access = await DashboardAccess.OfAsync((await AuthenticationState).User, Users, CancellationToken.None);
        Refresh();
        Store.Changed += OnViewChanged;
        _tick = new Timer(_ => OnTick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private void OnTick()
    {
        if (++_ticks % (long)AccessRecheck.TotalSeconds == 0) _ = RecheckAccessAsync();
        OnViewChanged(Store.Current);
    }

    // A user demoted, removed or unassigned while the page is open: its controls go with the rights.
    private async Task RecheckAccessAsync()
    {
        try
        {
            var user = (await AuthenticationState).User;
            var access = await DashboardAccess.OfAsync(user, Users, CancellationToken.None);
            if (access.Role == Access.Role && access.Chargers.SameAs(Access.Chargers)) return;
            await InvokeAsync(() =>
            {
                Access = access;
                Refresh();
                StateHasChanged();
            });
        }
        catch (ObjectDisposedException)
        {
            // The circuit ended meanwhile.
        }
        catch (System.Data.Common.DbException)
        {
            // The database does not answer: the controls stay as they were; a command checks again when it is sent.
        }
    }

    /// <summary>Reads what the page shows from <see cref="Store"/>'s current view (on the renderer's thread).</summary>
    protected abstract void Refresh();

    // Called on the view actor's thread: only schedules.
    private void OnViewChanged(View view)
    {
        if (_disposed || Interlocked.Exchange(ref _renderPending, 1) == 1) return;
        _ = RenderSoonAsync();
    }

    private async Task RenderSoonAsync()
    {
        await Task.Delay(Coalesce);
        Volatile.Write(ref _renderPending, 0);
        if (_disposed) return;
        try
        {
            await InvokeAsync(() =>
            {
                Refresh();
                StateHasChanged();
            });
        }
        catch (ObjectDisposedException)
        {
            // The circuit ended between the change and the render.
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        Store.Changed -= OnViewChanged;
        _tick?.Dispose();
    }
}
