using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Dashboard;

/// <summary>
/// Puts the live dashboard (Blazor, interactive server rendering, MudBlazor) into the Host's web
/// application, on the operator API's users, cookie and policies (<see cref="OperatorAuth"/>).
/// Call after <see cref="OperatorApiHosting.AddOperatorApi"/> and <see cref="OperatorApiHosting.MapOperatorApi"/>.
/// </summary>
public static class DashboardHosting
{
    public const string LoginPath = "/login";
    public const string LogoutPath = "/logout";

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder, OperatorApiSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        // The Host's builder is empty: the static web assets (MudBlazor's, the framework's, ours) come from the build's manifest.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddCascadingAuthenticationState();
        // The API's cookie answers 401/403; a browser asking for a page is sent to the login form instead.
        builder.Services.PostConfigure<CookieAuthenticationOptions>(OperatorAuth.Cookie, o =>
        {
            var api = o.Events.OnRedirectToLogin;
            o.Events.OnRedirectToLogin = c => IsPage(c.Request)
                ? Redirect(c.Response, $"{LoginPath}?returnUrl={Uri.EscapeDataString(c.Request.PathBase + c.Request.Path + c.Request.QueryString)}")
                : api(c);
        });
        // A command from an open page is checked against the user's rights at that moment.
        builder.Services.AddScoped<DashboardCommands>();
        builder.Services.AddScoped<DashboardRules>();
        return builder;
    }

    /// <summary>Maps the pages, their assets and sign-out; call once on the built application, after the API.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAntiforgery();
        // The login page needs its styles before anyone is signed in.
        app.MapStaticAssets().AllowAnonymous();
        // The login form's posts share POST /api/login's budget of attempts (PasswordSignIn).
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        // A form post with the antiforgery token (UseAntiforgery checks it): no link can sign a user out.
        app.MapPost(LogoutPath, async (HttpContext http) =>
        {
            await http.SignOutAsync(OperatorAuth.Cookie);
            return Results.Redirect(LoginPath);
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static bool IsPage(HttpRequest request) =>
        !request.Path.StartsWithSegments("/api") && HttpMethods.IsGet(request.Method)
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static Task Redirect(HttpResponse response, string location)
    {
        response.Redirect(location);
        return Task.CompletedTask;
    }
}
