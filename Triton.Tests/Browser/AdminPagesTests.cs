using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Triton.Tests.Admin;
using Triton.Web.Access;

namespace Triton.Tests.Browser;

/// <summary>The admin in a real browser against the real app on a real port.</summary>
public sealed class AdminPagesTests : IClassFixture<AdminApp>, IClassFixture<ChromiumBrowser>
{
    private readonly AdminApp app;
    private readonly ChromiumBrowser chromium;

    public AdminPagesTests(AdminApp app, ChromiumBrowser chromium)
    {
        this.app = app;
        this.chromium = chromium;
    }

    [Fact]
    public async Task Sign_in_and_every_main_page_renders()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/settings").ToString());
        Assert.Contains("/login?returnUrl=%2Fsettings", page.Url);
        await Screenshot(page, "login");

        await AdminSignIn.SignInAsync(page, AdminApp.AdminEmail, AdminApp.AdminPassword);
        Assert.EndsWith("/settings", page.Url);

        foreach (var (path, heading) in new[]
                 {
                     ("/", "Dashboard"), ("/campaigns", "Campaigns"), ("/users", "Users"),
                     ("/api-keys", "API keys"), ("/settings", "Settings"), ("/templates", "Templates"),
                     ("/lists", "Lists"), ("/transports", "Transports"), ("/groups", "Groups"),
                     ("/settings/bounce-mailbox", "Bounce mailbox"),
                 })
        {
            var response = await page.GotoAsync(new Uri(app.BaseAddress, path).ToString());
            Assert.Equal(200, response!.Status);
            Assert.Equal(heading, await page.Locator("h1").First.InnerTextAsync());
            await Screenshot(page, path == "/" ? "dashboard" : path.Trim('/').Replace('/', '-'));
        }
    }

    [Fact]
    public async Task Wrong_password_five_times_locks_the_account()
    {
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<AdminBootstrap>()
                .CreateUserAsync("browser-locked@example.com", "Right-Passw0rd!", AdminRoles.Editor);
        var page = await NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/login").ToString());
        for (var i = 0; i < 5; i++)
        {
            await AdminSignIn.SignInAsync(page, "browser-locked@example.com", "wrong-password");
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        }
        await AdminSignIn.SignInAsync(page, "browser-locked@example.com", "Right-Passw0rd!");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("locked");
    }

    [Fact]
    public async Task Viewer_sees_no_admin_menu_nor_action_buttons()
    {
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<AdminBootstrap>()
                .CreateUserAsync("browser-viewer@example.com", "Viewer-Passw0rd!", AdminRoles.Viewer);
        var page = await NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/login").ToString());
        await AdminSignIn.SignInAsync(page, "browser-viewer@example.com", "Viewer-Passw0rd!");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Bounce mailbox" }).CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).CountAsync());
        var users = await page.GotoAsync(new Uri(app.BaseAddress, "/users").ToString());
        Assert.Equal(403, users!.Status);
    }

    private async Task<IPage> NewPageAsync()
    {
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        return await context.NewPageAsync();
    }

    private static Task Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumBrowser.ScreenshotDirectory, name + ".png"), FullPage = true });
}
