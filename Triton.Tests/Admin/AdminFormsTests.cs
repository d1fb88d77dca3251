using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Triton.Web.Access;

namespace Triton.Tests.Admin;

/// <summary>The admin's forms over real HTTP: sign-in, lockout, roles, antiforgery, field errors.</summary>
public sealed partial class AdminFormsTests : IClassFixture<AdminApp>
{
    private readonly AdminApp app;

    public AdminFormsTests(AdminApp app) => this.app = app;

    [Fact]
    public async Task Anonymous_page_visit_redirects_to_login_with_return_url()
    {
        using var client = app.CreateBrowserlessClient();
        var response = await client.GetAsync("/campaigns?state=Running");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=%2Fcampaigns%3Fstate%3DRunning", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Sign_in_returns_to_the_requested_page()
    {
        using var client = app.CreateBrowserlessClient();
        var response = await SignInAsync(client, AdminApp.AdminEmail, AdminApp.AdminPassword, "/campaigns");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/campaigns", response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.PathAndQuery : response.Headers.Location.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/campaigns")).StatusCode);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account()
    {
        await CreateUserAsync("locked@example.com", "Right-Passw0rd!", AdminRoles.Editor);
        using var client = app.CreateBrowserlessClient();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await SignInAsync(client, "locked@example.com", "wrong-password", "/");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }
        var right = await SignInAsync(client, "locked@example.com", "Right-Passw0rd!", "/");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("locked", await right.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Viewer_sees_no_admin_pages_and_a_forged_post_answers_403()
    {
        await CreateUserAsync("viewer@example.com", "Viewer-Passw0rd!", AdminRoles.Viewer);
        using var client = app.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, "viewer@example.com", "Viewer-Passw0rd!", "/")).StatusCode);

        var dashboard = await client.GetStringAsync("/");
        Assert.DoesNotContain("/users", dashboard);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/users")).StatusCode);

        var token = Token(dashboard);
        var forged = await client.PostAsync("/campaigns/new", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
    }

    [Fact]
    public async Task Post_without_antiforgery_token_is_refused()
    {
        using var client = app.CreateBrowserlessClient();
        await SignInAsync(client, AdminApp.AdminEmail, AdminApp.AdminPassword, "/");
        var response = await client.PostAsync("/api-keys", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["_handler"] = "create-api-key", ["Input.Name"] = "sneaky" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("sneaky", await client.GetStringAsync("/api-keys"));
    }

    [Fact]
    public async Task A_bad_new_user_is_refused_and_saved_nowhere()
    {
        // What the users page's Add user calls.
        using var scope = app.Services.CreateScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var shortPassword = await admin.CreateAsync("short-password@example.com", "short", AdminRoles.Editor);
        Assert.Equal(UserChangeStatus.Refused, shortPassword.Status);
        Assert.Contains("at least 10 characters", shortPassword.Message);
        var badEmail = await admin.CreateAsync("not-an-email", "Long-Enough-Passw0rd", AdminRoles.Editor);
        Assert.Equal(UserChangeStatus.Refused, badEmail.Status);
        Assert.Contains("not-an-email", badEmail.Message);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        Assert.Null(await users.FindByEmailAsync("not-an-email"));
        Assert.Null(await users.FindByEmailAsync("short-password@example.com"));
    }

    private async Task CreateUserAsync(string email, string password, string role)
    {
        using var scope = app.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<AdminBootstrap>().CreateUserAsync(email, password, role);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    internal static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string returnUrl)
    {
        var page = await client.GetStringAsync("/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return await client.PostAsync("/login?returnUrl=" + Uri.EscapeDataString(returnUrl), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = Token(page),
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    internal static string Token(string html) =>
        TokenPattern().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No antiforgery token in the page");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
