using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using SmartElek.Actors.Persistence;
using SmartElek.Actors.SiteView;
using SmartElek.Operator.Commands;
using SmartElek.Operator.Dashboard;
using SmartElek.Operator.Users;
using SmartElek.Site.Topology;

namespace SmartElek.Operator.Tests;

/// <summary>
/// A command from an open dashboard page is checked against the user's rights in the site's database
/// when it is sent, not against the session's claims from the login (the API's cookie check does the
/// same for every request; a page's circuit makes no requests).
/// </summary>
[Trait("Speed", "Fast")]
public sealed class DashboardCommandsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("smartelek-dashboard-commands-").FullName;
    private readonly UserStore _users;

    public DashboardCommandsTests() => _users = new UserStore(new PersistenceOptions { SqliteDataFolder = _folder });

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
    }

    private sealed class SignedIn(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }

    private static readonly ChargerPlacement Bay3 = SiteTopology.Load(Repository.Config("site.json")).Chargers
        .Single(c => c.Id.Value == "charger-3");

    private async Task<ChargerCommands.Outcome> SendAsync(OperatorUser loggedInAs, ChargerCommandKind kind)
    {
        // The principal of the login: the role the user had then.
        var commands = new DashboardCommands(new ChargerCommands(new SiteViewStore(), TimeProvider.System), _users,
            new SignedIn(OperatorAuth.Principal(loggedInAs, OperatorAuth.Cookie)));
        return await commands.SendAsync(Bay3, new ChargerCommandProtocol.Request(Bay3.Id, kind, loggedInAs.Name), CancellationToken.None);
    }

    [Fact]
    public async Task A_driver_demoted_or_unassigned_after_the_login_is_refused_and_one_still_assigned_is_sent()
    {
        await _users.EnsureSchemaAsync();
        var now = DateTimeOffset.UtcNow;
        var dora = (await _users.CreateUserAsync("dora", Roles.Driver, null, null, now))!;
        await _users.SetAssignmentsAsync(dora.Id, ["charger-3"]);

        // Allowed: it goes on to the charger (no site runs here, so it is unreachable, not refused).
        Assert.IsType<ChargerCommands.Outcome.Unreachable>(await SendAsync(dora, ChargerCommandKind.Start));
        // Never a driver's: the SET actions.
        Assert.IsType<ChargerCommands.Outcome.NotAllowed>(await SendAsync(dora, ChargerCommandKind.SetAction));

        await _users.SetAssignmentsAsync(dora.Id, ["charger-4"]);
        Assert.IsType<ChargerCommands.Outcome.NotAllowed>(await SendAsync(dora, ChargerCommandKind.Start));

        await _users.SetAssignmentsAsync(dora.Id, ["charger-3"]);
        Assert.True(await _users.UpdateUserAsync(dora with { Role = Roles.Viewer }));
        var refused = Assert.IsType<ChargerCommands.Outcome.NotAllowed>(await SendAsync(dora, ChargerCommandKind.Stop));
        Assert.Contains("viewer", refused.Why, StringComparison.Ordinal);

        Assert.True(await _users.DeleteUserAsync(dora.Id));
        Assert.IsType<ChargerCommands.Outcome.NotAllowed>(await SendAsync(dora, ChargerCommandKind.Stop));
    }

    [Fact]
    public async Task An_operator_promoted_after_a_viewer_login_may_use_the_SET_actions_at_once()
    {
        await _users.EnsureSchemaAsync();
        var vic = (await _users.CreateUserAsync("vic", Roles.Viewer, null, null, DateTimeOffset.UtcNow))!;
        Assert.IsType<ChargerCommands.Outcome.NotAllowed>(await SendAsync(vic, ChargerCommandKind.SetAction));
        Assert.True(await _users.UpdateUserAsync(vic with { Role = Roles.Operator }));
        Assert.IsType<ChargerCommands.Outcome.Unreachable>(await SendAsync(vic, ChargerCommandKind.SetAction));
    }
}
