using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SmartElek.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class LoginTests(DashboardSite site)
{
    [Fact]
    public async Task An_operator_signs_in_with_the_form_and_reaches_the_dashboard_and_a_wrong_password_does_not()
    {
        var page = await site.NewPageAsync();
        await DashboardSite.SignInAsync(page, DashboardSite.OperatorUser, "not the password");
        await Expect(page.Locator("#login-error")).ToHaveTextAsync("Wrong user name or password.");
        await DashboardSite.ScreenshotAsync(page, "login-refused");

        await DashboardSite.SignInAsync(page, DashboardSite.OperatorUser, DashboardSite.OperatorPassword);
        await Expect(page.Locator("#signed-in-as")).ToContainTextAsync($"{DashboardSite.OperatorUser} · operator");
        await Expect(page).ToHaveURLAsync(site.BaseAddress.ToString());
        await DashboardSite.ScreenshotAsync(page, "login-signed-in");

        // Signing out ends the session: the dashboard asks for a login again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
    }
}
