using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SmartElek.Operator.Api;
using SmartElek.Operator.Rules;

namespace SmartElek.Operator.Users;

/// <summary>Users (operator only), the chargers assigned to drivers, and API tokens (each user their own; an operator any).</summary>
internal static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").WithTags("users").RequireAuthorization(OperatorAuth.OperatorOnly);
        users.MapGet("/", ListAsync).WithName("ListUsers").WithSummary("Every user with role, idTag, driver group and a driver's chargers");
        users.MapPost("/", CreateAsync).WithName("CreateUser").WithSummary("Adds a user (operator, driver or viewer), with a password, an idTag and a driver group (of the site's tariffs) if given");
        users.MapGet("/{id}", GetAsync).WithName("GetUser");
        users.MapPatch("/{id}", UpdateAsync).WithName("UpdateUser").WithSummary("Changes role, password, idTag or driver group (only the fields given; an empty idTag or group removes it)");
        users.MapDelete("/{id}", DeleteAsync).WithName("DeleteUser").WithSummary("Removes a user with their tokens and assignments");
        users.MapPut("/{id}/chargers", AssignAsync).WithName("AssignChargers").WithSummary("The chargers a driver sees and commands (replaces the list)");

        var tokens = app.MapGroup("/api/tokens").WithTags("tokens").RequireAuthorization(OperatorAuth.MayRead);
        tokens.MapPost("/", CreateTokenAsync).WithName("CreateToken").WithSummary("A new API token for the caller, shown once (only its SHA-256 is kept)");
        tokens.MapGet("/", ListTokensAsync).WithName("ListTokens").WithSummary("The caller's tokens (an operator's: everyone's), never the tokens themselves");
        tokens.MapDelete("/{id}", RevokeTokenAsync).WithName("RevokeToken").WithSummary("Revokes a token at once");
        return app;
    }

    public static UserDto Dto(OperatorUser u, IReadOnlyList<string>? chargers) => new(u.Id, u.Name, u.Role, u.IdTag, chargers, u.CreatedAt, u.Group);

    /// <summary>The driver groups of the site's tariffs (none when the site has no tariffs).</summary>
    public static IReadOnlyCollection<string> KnownGroups(IServiceProvider services) =>
        services.GetService<SmartElek.Tariffs.LiveTariffs>()?.Current?.Groups.Keys.ToList() ?? [];

    private static async Task<UserDto> DtoAsync(OperatorUser u, UserStore store, CancellationToken cancel) =>
        Dto(u, u.Role == Roles.Driver ? await store.AssignmentsAsync(u.Id, cancel) : null);

    private static async Task<Ok<List<UserDto>>> ListAsync(UserStore store, CancellationToken cancel)
    {
        var list = new List<UserDto>();
        foreach (var u in await store.ListUsersAsync(cancel)) list.Add(await DtoAsync(u, store, cancel));
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetAsync(string id, UserStore store, CancellationToken cancel) =>
        await store.FindByIdAsync(id, cancel) is { } u ? TypedResults.Ok(await DtoAsync(u, store, cancel)) : NoSuchUser(id);

    private static ProblemHttpResult NoSuchUser(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such user", detail: $"There is no user '{id}'.");

    private static async Task<Results<Created<UserDto>, ValidationProblem>> CreateAsync(
        CreateUserRequest request, UserStore store, IPasswordHasher<OperatorUser> hasher, TimeProvider clock, IServiceProvider services,
        SiteDrivers drivers, CancellationToken cancel)
    {
        var errors = new Dictionary<string, string[]>();
        UserRules.Name(request.Name, errors);
        UserRules.Role(request.Role, errors, required: true);
        UserRules.Password(request.Password, errors, required: false);
        UserRules.IdTag(request.IdTag, errors);
        UserRules.Group(request.Group, KnownGroups(services), errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var now = clock.GetUtcNow();
        var hash = request.Password is null ? null : hasher.HashPassword(new OperatorUser("", request.Name!, request.Role!, null, null, now), request.Password);
        var user = await store.CreateUserAsync(request.Name!, request.Role!, hash, Blank(request.IdTag), now, cancel, Blank(request.Group));
        if (user is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [$"'{request.Name}' is taken"] });
        drivers.Changed();
        return TypedResults.Created($"/api/users/{user.Id}", await DtoAsync(user, store, cancel));
    }

    private static async Task<Results<Ok<UserDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, UpdateUserRequest request, HttpContext http, UserStore store, IPasswordHasher<OperatorUser> hasher, SiteDrivers drivers, CancellationToken cancel)
    {
        if (await store.FindByIdAsync(id, cancel) is not { } user) return NoSuchUser(id);
        var errors = new Dictionary<string, string[]>();
        UserRules.Role(request.Role, errors, required: false);
        UserRules.Password(request.Password, errors, required: false);
        UserRules.IdTag(request.IdTag, errors);
        UserRules.Group(request.Group, KnownGroups(http.RequestServices), errors);
        // The last operator cannot demote themselves: the site would have no one to manage it.
        if (request.Role is not null and not Roles.Operator && user.Role == Roles.Operator && await OperatorsAsync(store, cancel) == 1)
            errors["role"] = ["the site's last operator keeps the operator role"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var changed = user with
        {
            Role = request.Role ?? user.Role,
            PasswordHash = request.Password is null ? user.PasswordHash : hasher.HashPassword(user, request.Password),
            IdTag = request.IdTag is null ? user.IdTag : Blank(request.IdTag),
            Group = request.Group is null ? user.Group : Blank(request.Group),
        };
        await store.UpdateUserAsync(changed, cancel);
        drivers.Changed();
        return TypedResults.Ok(await DtoAsync(changed, store, cancel));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(string id, UserStore store, SiteDrivers drivers, CancellationToken cancel)
    {
        if (await store.FindByIdAsync(id, cancel) is not { } user) return NoSuchUser(id);
        if (user.Role == Roles.Operator && await OperatorsAsync(store, cancel) == 1)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["the site's last operator cannot be removed"] });
        await store.DeleteUserAsync(id, cancel);
        drivers.Changed();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<UserDto>, ValidationProblem, ProblemHttpResult>> AssignAsync(
        string id, AssignChargersRequest request, UserStore store, OperatorApiSettings settings, SiteDrivers drivers, CancellationToken cancel)
    {
        if (await store.FindByIdAsync(id, cancel) is not { } user) return NoSuchUser(id);
        var chargers = request.Chargers ?? [];
        var unknown = chargers.Where(c => !ChargerAccess.TryFind(settings.Topology, c, out _)).ToList();
        if (user.Role != Roles.Driver)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"'{user.Name}' is a {user.Role}: only drivers have chargers assigned"] });
        if (unknown.Count > 0)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["chargers"] = [$"not chargers of the site: {string.Join(", ", unknown)}"] });
        await store.SetAssignmentsAsync(user.Id, chargers.ToList(), cancel);
        drivers.Changed();
        return TypedResults.Ok(await DtoAsync(user, store, cancel));
    }

    private static async Task<Results<Created<TokenCreatedDto>, ValidationProblem>> CreateTokenAsync(
        CreateTokenRequest request, HttpContext http, UserStore store, TimeProvider clock, CancellationToken cancel)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 64)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["is required, at most 64 characters (what the token is for)"] });
        var token = Secrets.NewToken("se_");
        var record = await store.CreateTokenAsync(http.User.UserId()!, request.Name, Secrets.Hash(token), clock.GetUtcNow(), cancel);
        return TypedResults.Created($"/api/tokens/{record.Id}", new TokenCreatedDto(record.Id, record.Name, token, record.CreatedAt));
    }

    private static async Task<Ok<List<TokenDto>>> ListTokensAsync(HttpContext http, UserStore store, CancellationToken cancel)
    {
        var of = http.User.IsInRole(Roles.Operator) ? null : http.User.UserId();
        return TypedResults.Ok((await store.TokensAsync(of, cancel)).Select(t => new TokenDto(t.Id, t.UserId, t.Name, t.CreatedAt, t.RevokedAt)).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokenAsync(string id, HttpContext http, UserStore store, TimeProvider clock, CancellationToken cancel)
    {
        var of = http.User.IsInRole(Roles.Operator) ? null : http.User.UserId();
        return await store.RevokeTokenAsync(id, of, clock.GetUtcNow(), cancel)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such token", detail: $"There is no live token '{id}' of yours.");
    }

    private static async Task<int> OperatorsAsync(UserStore store, CancellationToken cancel) =>
        (await store.ListUsersAsync(cancel)).Count(u => u.Role == Roles.Operator);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
