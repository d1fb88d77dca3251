using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Triton.Core.Groups;
using Triton.Tests.Admin;
using Triton.Web.Access;
using static Microsoft.Playwright.Assertions;

namespace Triton.Tests.Browser;

/// <summary>
/// What an admin does on the users, API keys, settings and groups pages, in a real browser against the
/// real app, checked on the page and in the services behind it; and the frame on a phone, light or dark.
/// </summary>
public sealed partial class AdminManagementTests : IClassFixture<AdminApp>, IClassFixture<ChromiumBrowser>
{
    /// <summary>The admin navigates inside its circuit: a new address commits, and no load event may follow.</summary>
    private static readonly PageWaitForURLOptions Committed = new() { WaitUntil = WaitUntilState.Commit };

    private readonly AdminApp app;
    private readonly ChromiumBrowser chromium;

    public AdminManagementTests(AdminApp app, ChromiumBrowser chromium)
    {
        this.app = app;
        this.chromium = chromium;
    }

    [Fact]
    public async Task Admin_adds_a_user_changes_their_role_resets_their_password_unlocks_and_deletes_them()
    {
        var email = Unique("user") + "@example.com";
        var page = await SignedInPageAsync(AdminApp.AdminEmail, AdminApp.AdminPassword);
        await OpenAsync(page, "/users");

        await MudControls.FillAsync(page, "Email", email);
        await MudControls.FillAsync(page, "Password", "First-Passw0rd!");
        await MudControls.PickAsync(page, "Role", AdminRoles.Editor);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
        await ExpectSnackbarAsync(page, $"Added {email} as Editor.");
        var row = page.Locator("[data-users] tbody tr").Filter(new() { Has = page.Locator($"[data-user=\"{email}\"]") });
        await Expect(row).ToHaveCountAsync(1);
        Assert.Equal(AdminRoles.Editor, (await UserAsync(email))!.Role);

        // The role: picked in the row, asked about, then changed.
        await MudControls.PickAsync(row.Locator(".mud-select").First, AdminRoles.Viewer);
        await ConfirmAsync(page, $"{email} becomes Viewer", "Change role");
        await ExpectSnackbarAsync(page, $"{email} is now Viewer");
        Assert.Equal(AdminRoles.Viewer, (await UserAsync(email))!.Role);

        // A new password, asked about; the user signs in with it in a browser of their own.
        await row.GetByRole(AriaRole.Button, new() { Name = "Reset password", Exact = true }).ClickAsync();
        await MudControls.FillAsync(page, $"New password for {email}", "Second-Passw0rd!");
        await row.GetByRole(AriaRole.Button, new() { Name = "Set password", Exact = true }).ClickAsync();
        await ConfirmAsync(page, $"{email} signs in with the new password", "Reset password");
        await ExpectSnackbarAsync(page, $"The password of {email} was reset");
        var theirs = await SignedInPageAsync(email, "Second-Passw0rd!");
        await Expect(theirs.Locator("h1")).ToHaveTextAsync("Dashboard");
        await theirs.Context.CloseAsync();

        // Locked out as five wrong passwords would; the page offers Unlock once it is opened again.
        await LockOutAsync(email);
        await OpenAsync(page, "/users");
        await row.GetByRole(AriaRole.Button, new() { Name = "Unlock", Exact = true }).ClickAsync();
        await ExpectSnackbarAsync(page, $"{email} is unlocked.");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Unlock", Exact = true })).ToHaveCountAsync(0);
        Assert.Null((await UserAsync(email))!.LockedUntil);

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await ConfirmAsync(page, $"Delete {email}?", "Delete");
        await ExpectSnackbarAsync(page, $"Deleted {email}.");
        await Expect(row).ToHaveCountAsync(0);
        Assert.Null(await UserAsync(email));
    }

    [Fact]
    public async Task Admin_creates_an_api_key_shown_once_that_works_until_revoked()
    {
        var name = Unique("key");
        var page = await SignedInPageAsync(AdminApp.AdminEmail, AdminApp.AdminPassword);
        await OpenAsync(page, "/api-keys");

        await MudControls.FillAsync(page, "Name", name);
        await MudControls.PickAsync(page, "Scope", "send: read, plus");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var shown = page.Locator("[data-api-key]");
        await Expect(shown).ToBeVisibleAsync();
        var secret = (await shown.InnerTextAsync()).Trim();
        var row = page.Locator("[data-api-keys] tbody tr").Filter(new() { HasTextString = name });
        await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("send");
        await Expect(row.Locator("[data-api-key-status]")).ToHaveTextAsync("active");

        // Opened again, the page lists the key but no longer shows it.
        await OpenAsync(page, "/api-keys");
        await Expect(row.Locator("[data-api-key-status]")).ToHaveTextAsync("active");
        await Expect(page.Locator("[data-api-key]")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync());

        using var api = app.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.OK, await GetCampaignsAsync(api, secret));

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await ConfirmAsync(page, $"Revoke the key {name}?", "Revoke");
        await Expect(row.Locator("[data-api-key-status]")).ToHaveTextAsync("revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, await GetCampaignsAsync(api, secret));
    }

    [Fact]
    public async Task A_user_saves_page_size_and_time_zone_which_stay_and_a_bad_address_is_shown_at_its_field()
    {
        var (email, password) = await NewUserAsync(AdminRoles.Editor);
        var page = await SignedInPageAsync(email, password);
        await OpenAsync(page, "/settings");

        await MudControls.FillAsync(page, "Page size", "50");
        await MudControls.ChooseAsync(page, "Time zone", "Europe/Os", "Europe/Oslo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await ExpectSnackbarAsync(page, "Saved.");

        await OpenAsync(page, "/settings");
        await Expect(MudControls.Input(page, "Page size")).ToHaveValueAsync("50");
        await Expect(MudControls.Input(page, "Time zone")).ToHaveValueAsync("Europe/Oslo");
        var saved = await AccountAsync(email);
        Assert.Equal((50, "Europe/Oslo"), (saved.PageSize, saved.TimeZone));

        // A bad address is named at its field, and nothing of the form is saved.
        await MudControls.FillAsync(page, "Page size", "100");
        await MudControls.FillAsync(page, "Default test recipient", "not-an-address");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(MudControls.Field(page, "Default test recipient")).ToContainTextAsync("Enter an email address, or leave it blank.");
        var kept = await AccountAsync(email);
        Assert.Equal((50, null), (kept.PageSize, kept.DefaultTestRecipient));
    }

    [Fact]
    public async Task Editor_creates_renames_and_deletes_a_group()
    {
        var (email, password) = await NewUserAsync(AdminRoles.Editor);
        var (name, renamed) = (Unique("group"), Unique("renamed"));
        var page = await SignedInPageAsync(email, password);

        await page.GotoAsync(Url("/groups"));
        await page.GetByRole(AriaRole.Link, new() { Name = "New group" }).ClickAsync();
        await Expect(page.Locator("[data-group-editor][data-interactive=\"true\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await MudControls.FillAsync(page, "Name", name);
        await MudControls.PickAsync(page, "Scope (what the group holds)", "template");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
        await MudControls.ExpectNavigationAsync(page, GroupUrl().IsMatch);
        await Expect(page.Locator("h1")).ToHaveTextAsync(name);
        var id = int.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..]);
        Assert.Equal(Triton.Core.Domain.GroupScope.Template, (await GroupAsync(id))!.Scope);

        await MudControls.FillAsync(page, "Name", renamed);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await ExpectSnackbarAsync(page, "Saved.");
        await Expect(page.Locator("h1")).ToHaveTextAsync(renamed);
        await Expect(page).ToHaveTitleAsync($"{renamed} · Triton");
        Assert.Equal(renamed, (await GroupAsync(id))!.Name);

        await page.Locator("[data-group-editor]").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await ConfirmAsync(page, "What the group holds stays", "Delete");
        await page.WaitForURLAsync(Url("/groups"), Committed);
        await Expect(page.Locator("[data-groups]")).Not.ToContainTextAsync(renamed);
        Assert.Null(await GroupAsync(id));
    }

    [Fact]
    public async Task On_a_phone_the_drawer_opens_from_the_menu_and_the_dark_theme_stays_after_a_reload()
    {
        var page = await SignedInPageAsync(AdminApp.AdminEmail, AdminApp.AdminPassword, width: 390, height: 844);
        await OpenAsync(page, "/");
        var drawer = page.Locator("[data-drawer]");
        var campaigns = drawer.GetByRole(AriaRole.Link, new() { Name = "Campaigns" });
        await Expect(drawer).ToHaveClassAsync(new Regex(@"\bmud-drawer--closed\b"));
        await Expect(campaigns).Not.ToBeInViewportAsync();

        await page.Locator("[data-drawer-toggle]").ClickAsync();
        await Expect(drawer).ToHaveClassAsync(new Regex(@"\bmud-drawer--open\b"));
        await Expect(campaigns).ToBeInViewportAsync();
        await campaigns.ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Campaigns");

        var light = await PrimaryColourAsync(page);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        await page.Locator("[data-theme-toggle]").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await Expect(page.Locator("[data-theme-toggle]")).ToHaveAttributeAsync("aria-label", "Light theme");
        await page.WaitForFunctionAsync("before => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-primary').trim() !== before", light);
        var dark = await PrimaryColourAsync(page);

        // The browser remembers the choice: the server paints the next page dark from the start.
        await page.ReloadAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal(dark, await PrimaryColourAsync(page));
        await Expect(page.Locator("[data-theme-toggle]")).ToHaveAttributeAsync("aria-label", "Light theme");
    }

    private string Url(string path) => new Uri(app.BaseAddress, path).ToString();

    private Task OpenAsync(IPage page, string path) => MudControls.OpenAsync(page, Url(path));

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [GeneratedRegex("/groups/[0-9]+$")]
    private static partial Regex GroupUrl();

    /// <summary>A browser of its own (cookies and theme included), signed in.</summary>
    private async Task<IPage> SignedInPageAsync(string email, string password, int width = 1280, int height = 900)
    {
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url("/login"));
        await AdminSignIn.SignInAsync(page, email, password);
        return page;
    }

    private static async Task ConfirmAsync(IPage page, string question, string answer)
    {
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToContainTextAsync(question);
        await dialog.GetByRole(AriaRole.Button, new() { Name = answer, Exact = true }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
    }

    private static Task ExpectSnackbarAsync(IPage page, string text) =>
        Expect(page.Locator(".mud-snackbar").Filter(new() { HasTextString = text })).ToBeVisibleAsync();

    private static Task<string> PrimaryColourAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-primary').trim()");

    private static async Task<HttpStatusCode> GetCampaignsAsync(HttpClient api, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/campaigns");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await api.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<(string Email, string Password)> NewUserAsync(string role)
    {
        var email = Unique(role.ToLowerInvariant()) + "@example.com";
        using var scope = app.Services.CreateScope();
        var created = await scope.ServiceProvider.GetRequiredService<AdminBootstrap>().CreateUserAsync(email, "Browser-Passw0rd!", role);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        return (email, "Browser-Passw0rd!");
    }

    private async Task<UserSummary?> UserAsync(string email)
    {
        using var scope = app.Services.CreateScope();
        var users = await scope.ServiceProvider.GetRequiredService<UserAdministration>().ListAsync(CancellationToken.None);
        return users.SingleOrDefault(u => u.Email == email);
    }

    private async Task<AdminUser> AccountAsync(string email)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>().FindByEmailAsync(email)
               ?? throw new InvalidOperationException($"{email} has no account");
    }

    /// <summary>Counts failed sign-ins through Identity, as the sign-in form does, until the account is locked.</summary>
    private async Task LockOutAsync(string email)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"{email} has no account");
        for (var i = 0; i < 5 && !await users.IsLockedOutAsync(user); i++)
            await users.AccessFailedAsync(user);
        Assert.True(await users.IsLockedOutAsync(user), $"{email} is not locked out after five failures");
    }

    private async Task<Triton.Core.Domain.Group?> GroupAsync(int id)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<GroupService>().FindAsync(id, CancellationToken.None);
    }
}
