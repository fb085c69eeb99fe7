using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartElek.Operator.Api;

namespace SmartElek.Operator.Users;

/// <summary>
/// Who is asking: a browser's session cookie (writes need the anti-forgery header) or a program's
/// bearer token; policies per role; a driver's view narrowed to the chargers assigned to them;
/// login attempts rate-limited per client address.
/// </summary>
public static class OperatorAuth
{
    public const string Smart = "cookie-or-token";
    public const string Cookie = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Token = "token";
    public const string AntiforgeryHeader = "X-XSRF-TOKEN";
    public const string LoginLimit = "login";

    /// <summary>Reads: any signed-in role.</summary>
    public const string MayRead = "may-read";
    /// <summary>Start, stop and settings of a charger the caller may see: operator or driver.</summary>
    public const string MayCommand = "may-command";
    /// <summary>Users, the SET actions, availability: operator only.</summary>
    public const string OperatorOnly = "operator-only";

    public static IServiceCollection AddOperatorAuth(this IServiceCollection services, OperatorApiSettings settings)
    {
        services.AddSingleton(sp => new UserStore(settings.Storage, settings.Environment));
        services.AddSingleton<IPasswordHasher<OperatorUser>, PasswordHasher<OperatorUser>>();
        services.AddSingleton<PasswordSignIn>();
        SiteKeyRing.AddTo(services);
        services.AddAuthentication(Smart)
            .AddPolicyScheme(Smart, "cookie or bearer token", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? Token : Cookie)
            .AddCookie(Cookie, o =>
            {
                o.Cookie.Name = "smartelek-session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                // An API answers 401/403; it redirects nowhere.
                o.Events.OnRedirectToLogin = c => Status(c.Response, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => Status(c.Response, StatusCodes.Status403Forbidden);
                // A user removed or demoted since the login loses the session's old rights at once.
                o.Events.OnValidatePrincipal = ValidateSessionAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(Token, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(MayRead, p => p.RequireRole(Roles.All.ToArray()))
            .AddPolicy(MayCommand, p => p.RequireRole(Roles.Operator, Roles.Driver))
            .AddPolicy(OperatorOnly, p => p.RequireRole(Roles.Operator));
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.Cookie.Name = "smartelek-xsrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(LoginLimit, http => RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "?",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.LoginAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return services;
    }

    private static Task Status(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }

    public static ClaimsPrincipal Principal(OperatorUser user, string scheme) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id),
            new Claim(ClaimTypes.Name, user.Name),
            new Claim(ClaimTypes.Role, user.Role),
        ], scheme, ClaimTypes.Name, ClaimTypes.Role));

    public static string? UserId(this ClaimsPrincipal principal) => principal.FindFirstValue(ClaimTypes.NameIdentifier);

    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var store = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
        var user = context.Principal?.UserId() is { } id ? await store.FindByIdAsync(id, context.HttpContext.RequestAborted) : null;
        if (user is null)
        {
            context.RejectPrincipal();
            return;
        }
        if (!context.Principal!.IsInRole(user.Role)) context.ReplacePrincipal(Principal(user, Cookie));
    }

    /// <summary>
    /// After authentication: a driver sees only their chargers (<see cref="ChargerAccess"/>), and a
    /// cookie-authenticated write must carry the anti-forgery header (a bearer token cannot be sent by another site).
    /// </summary>
    public static IApplicationBuilder UseOperatorAuth(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.Use(async (http, next) =>
        {
            var user = http.User;
            if (user.Identity?.IsAuthenticated == true && user.IsInRole(Roles.Driver) && user.UserId() is { } id)
            {
                var store = http.RequestServices.GetRequiredService<UserStore>();
                http.Features.Set(ChargerAccess.Only(await store.AssignmentsAsync(id, http.RequestAborted)));
            }
            // Only the API's writes: the dashboard's forms carry their own token (UseAntiforgery) and its circuit's SignalR negotiate is no write.
            if (user.Identity is { IsAuthenticated: true, AuthenticationType: Cookie } && http.Request.Path.StartsWithSegments("/api") && !HttpMethods.IsGet(http.Request.Method)
                && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method))
            {
                try
                {
                    await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
                }
                catch (AntiforgeryValidationException)
                {
                    await Results.ValidationProblem(new Dictionary<string, string[]>
                    {
                        [AntiforgeryHeader] = ["a signed-in browser's change needs the anti-forgery token from /api/login or /api/me in this header"],
                    }, title: "Missing or invalid anti-forgery token").ExecuteAsync(http);
                    return;
                }
            }
            await next(http);
        });
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}

/// <summary>Bearer API tokens: the SHA-256 of the presented token must match a live token of a user.</summary>
internal sealed class TokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, UserStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 200) return AuthenticateResult.Fail("malformed token");
        var user = await store.UserOfTokenAsync(Secrets.Hash(token), Context.RequestAborted);
        return user is null
            ? AuthenticateResult.Fail("unknown or revoked token")
            : AuthenticateResult.Success(new AuthenticationTicket(OperatorAuth.Principal(user, OperatorAuth.Token), OperatorAuth.Token));
    }
}
