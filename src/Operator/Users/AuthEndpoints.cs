using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;

namespace SmartElek.Operator.Users;

/// <summary>Login, logout, who am I, and the first start's one-time setup.</summary>
internal static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("auth");
        api.MapPost("/login", LoginAsync).AllowAnonymous()
            .WithName("Login").WithSummary("Signs a browser in with name and password: a session cookie, and the anti-forgery token for its changes");
        api.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(OperatorAuth.Cookie);
            return TypedResults.NoContent();
        }).WithName("Logout").WithSummary("Ends the browser's session");
        api.MapGet("/me", MeAsync).WithName("Me").WithSummary("The signed-in user, a driver's chargers, and (for a browser) a fresh anti-forgery token");
        api.MapPost("/setup", SetupAsync).AllowAnonymous().RequireRateLimiting(OperatorAuth.LoginLimit)
            .WithName("Setup").WithSummary("First start: creates the first operator with the one-time setup token printed on the console");
        app.MapGet("/setup", () => Results.Content(SetupPage, "text/html")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Ok<MeDto>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, HttpContext http, PasswordSignIn signIn, UserStore store, IAntiforgery antiforgery)
    {
        var outcome = await signIn.CheckAsync(request.Name, request.Password, http.Connection.RemoteIpAddress, http.RequestAborted);
        if (outcome is SignInOutcome.Limited)
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts",
                detail: "Too many sign-in attempts from this address; try again in a minute.");
        if (outcome is not SignInOutcome.SignedIn(var user))
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Login failed", detail: "Unknown name or wrong password.");
        var principal = OperatorAuth.Principal(user, OperatorAuth.Cookie);
        await http.SignInAsync(OperatorAuth.Cookie, principal);
        // The anti-forgery token is bound to the user: make it for the one just signed in.
        http.User = principal;
        return TypedResults.Ok(await Me(user, http, store, antiforgery));
    }

    private static async Task<Results<Ok<MeDto>, UnauthorizedHttpResult>> MeAsync(HttpContext http, UserStore store, IAntiforgery antiforgery) =>
        http.User.UserId() is { } id && await store.FindByIdAsync(id, http.RequestAborted) is { } user
            ? TypedResults.Ok(await Me(user, http, store, antiforgery))
            : TypedResults.Unauthorized();

    private static async Task<MeDto> Me(OperatorUser user, HttpContext http, UserStore store, IAntiforgery antiforgery)
    {
        var chargers = user.Role == Roles.Driver ? await store.AssignmentsAsync(user.Id, http.RequestAborted) : null;
        var token = http.User.Identity?.AuthenticationType == OperatorAuth.Cookie ? antiforgery.GetAndStoreTokens(http).RequestToken : null;
        return new MeDto(user.Id, user.Name, user.Role, user.IdTag, chargers, token, user.Group);
    }

    private static async Task<Results<Created<UserDto>, ValidationProblem, ProblemHttpResult>> SetupAsync(
        SetupRequest request, HttpContext http, UserStore store, IPasswordHasher<OperatorUser> hasher, TimeProvider clock)
    {
        var errors = new Dictionary<string, string[]>();
        UserRules.Name(request.Name, errors);
        UserRules.Password(request.Password, errors, required: true);
        if (string.IsNullOrEmpty(request.Token)) errors["token"] = ["is required: the one-time token of the setup link printed on the console"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var now = clock.GetUtcNow();
        if (await store.CountUsersAsync(http.RequestAborted) > 0 || !await store.UseSetupLinkAsync(Secrets.Hash(request.Token!), now, http.RequestAborted))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Setup refused",
                detail: "The setup token is unknown, used or expired, or the site already has users.");
        var pending = new OperatorUser("", request.Name!, Roles.Operator, null, null, now);
        var user = await store.CreateFirstOperatorAsync(request.Name!, hasher.HashPassword(pending, request.Password!), now, http.RequestAborted);
        return user is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Setup refused", detail: "The site already has users.")
            : TypedResults.Created($"/api/users/{user.Id}", UserEndpoints.Dto(user, null));
    }

    // The page behind the setup link: the token travels in the fragment, which the browser never sends to a server or a log.
    private const string SetupPage = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>SmartElek Site: first operator</title></head>
        <body><h1>Create the first operator</h1>
        <form id="f"><label>Name <input name="name" required></label><br>
        <label>Password (at least 10 characters) <input name="password" type="password" minlength="10" required></label><br>
        <button>Create</button></form><p id="r"></p>
        <script>
        document.getElementById('f').onsubmit = async e => {
          e.preventDefault();
          const d = new FormData(e.target);
          const res = await fetch('/api/setup', { method: 'POST', headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ token: location.hash.slice(1), name: d.get('name'), password: d.get('password') }) });
          document.getElementById('r').textContent = res.ok ? 'Done: sign in with this name and password.' : 'Refused: ' + await res.text();
        };
        </script></body></html>
        """;
}
