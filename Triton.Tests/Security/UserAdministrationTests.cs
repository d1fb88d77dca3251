using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Triton.Tests.Admin;
using Triton.Web.Access;

namespace Triton.Tests.Security;

/// <summary>
/// Admins manage users through the users page, which calls UserAdministration as here; each change ends
/// the changed user's sessions at once.
/// </summary>
public sealed class UserAdministrationTests : IClassFixture<UserAdministrationTests.UsersApp>
{
    public sealed class UsersApp() : IDisposable
    {
        public SecurityApp App { get; } = new();
        public void Dispose() => App.Dispose();
    }

    private readonly SecurityApp app;

    public UserAdministrationTests(UsersApp fixture) => app = fixture.App;

    [Fact]
    public async Task A_role_change_takes_effect_and_ends_the_users_sessions()
    {
        var (email, password) = await app.CreateUserAsync(AdminRoles.Editor);
        using var editor = await app.SignInAsync(email, password);
        Assert.Equal(HttpStatusCode.OK, (await editor.GetAsync("/campaigns/new")).StatusCode);

        var changed = await AsAdminAsync(async (admin, me) => await admin.ChangeRoleAsync(me, await IdOfAsync(email), AdminRoles.Viewer, default));
        Assert.Equal(UserChangeStatus.Done, changed.Status);

        // The old session is over: back to the sign-in page, not a 403 with stale rights.
        var after = await editor.GetAsync("/campaigns");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", AdminForm.Location(after));
        using var again = await app.SignInAsync(email, password);
        Assert.Equal(HttpStatusCode.Forbidden, (await again.GetAsync("/campaigns/new")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/campaigns")).StatusCode);
    }

    [Fact]
    public async Task A_signed_in_request_checks_the_session_without_issuing_a_new_cookie()
    {
        // A new cookie on every response let a request still in flight when the user signed out sign the browser in again.
        var (email, password) = await app.CreateUserAsync(AdminRoles.Viewer);
        using var viewer = await app.SignInAsync(email, password);

        var response = await viewer.GetAsync("/campaigns");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        Assert.DoesNotContain(cookies, c => c.StartsWith("triton.auth=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_password_reset_ends_the_users_sessions_and_the_new_password_works()
    {
        var (email, password) = await app.CreateUserAsync(AdminRoles.Viewer);
        using var viewer = await app.SignInAsync(email, password);
        var tooShort = await AsAdminAsync(async (admin, me) => await admin.ResetPasswordAsync(me, await IdOfAsync(email), "short", default));
        Assert.Equal(UserChangeStatus.Refused, tooShort.Status);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/campaigns")).StatusCode);

        var reset = await AsAdminAsync(async (admin, me) => await admin.ResetPasswordAsync(me, await IdOfAsync(email), "A-New-Passw0rd-1", default));
        Assert.Equal(UserChangeStatus.Done, reset.Status);
        Assert.Equal(HttpStatusCode.Redirect, (await viewer.GetAsync("/campaigns")).StatusCode);
        using var signedIn = await app.SignInAsync(email, "A-New-Passw0rd-1");
    }

    [Fact]
    public async Task An_admin_unlocks_a_locked_account()
    {
        var (email, password) = await app.CreateUserAsync(AdminRoles.Editor);
        using (var client = app.Client())
            for (var i = 0; i < 5; i++)
                await AdminFormsTests.SignInAsync(client, email, "wrong-password", "/");
        using (var locked = app.Client())
            Assert.Contains("locked", await (await AdminFormsTests.SignInAsync(locked, email, password, "/")).Content.ReadAsStringAsync());

        using var admin = await app.SignedInAsync();
        Assert.Contains(email, await admin.GetStringAsync("/users"));
        var unlocked = await AsAdminAsync(async (admin, me) => await admin.UnlockAsync(me, await IdOfAsync(email), default));
        Assert.Equal(UserChangeStatus.Done, unlocked.Status);
        using var signedIn = await app.SignInAsync(email, password);
    }

    [Fact]
    public async Task Deleting_a_user_ends_their_sessions_and_admins_cannot_delete_or_demote_themselves_or_the_last_admin()
    {
        var (email, password) = await app.CreateUserAsync(AdminRoles.Viewer);
        using var viewer = await app.SignInAsync(email, password);
        var deleted = await AsAdminAsync(async (admin, me) => await admin.DeleteAsync(me, await IdOfAsync(email), default));
        Assert.Equal(UserChangeStatus.Done, deleted.Status);
        Assert.Equal(HttpStatusCode.Redirect, (await viewer.GetAsync("/campaigns")).StatusCode);
        Assert.Null(await FindAsync(email));

        var me = await IdOfAsync(SecurityApp.AdminEmail);
        Assert.Equal(UserChangeStatus.Refused, (await AsAdminAsync((admin, principal) => admin.DeleteAsync(principal, me, default))).Status);
        Assert.Equal(UserChangeStatus.Refused, (await AsAdminAsync((admin, principal) => admin.ChangeRoleAsync(principal, me, AdminRoles.Viewer, default))).Status);
        Assert.NotNull(await FindAsync(SecurityApp.AdminEmail));

        // Another admin cannot remove the last other admin either, once only one would be left.
        var (otherEmail, otherPassword) = await app.CreateUserAsync(AdminRoles.Admin);
        Assert.Equal(UserChangeStatus.Done, (await AsAdminAsync((admin, principal) => admin.ChangeRoleAsync(principal, me, AdminRoles.Editor, default), otherEmail)).Status);
        using var stillAdmin = await app.SignInAsync(otherEmail, otherPassword);
        using var scope = app.Services.CreateScope();
        var admins = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var principal = await scope.ServiceProvider.GetRequiredService<SignInManager<AdminUser>>().CreateUserPrincipalAsync((await FindAsync(SecurityApp.AdminEmail))!);
        var refused = await admins.ChangeRoleAsync(principal, await IdOfAsync(otherEmail), AdminRoles.Viewer, default);
        Assert.Equal(UserChangeStatus.Refused, refused.Status);
        Assert.Contains("last admin", refused.Message);
        // Put things back for the other tests of this class.
        Assert.Equal(UserChangeStatus.Done, (await admins.ChangeRoleAsync(
            await scope.ServiceProvider.GetRequiredService<SignInManager<AdminUser>>().CreateUserPrincipalAsync((await FindAsync(otherEmail))!),
            me, AdminRoles.Admin, default)).Status);
    }

    [Fact]
    public async Task Each_user_changes_their_own_password_and_every_session_ends()
    {
        var (email, password) = await app.CreateUserAsync(AdminRoles.Viewer);
        using var here = await app.SignInAsync(email, password);
        using var elsewhere = await app.SignInAsync(email, password);

        // As the settings page does: a circuit cannot renew its cookie, so this session ends as well.
        var wrong = await AsUserAsync(email, (admin, me) => admin.ChangeOwnPasswordAsync(me, "not-it-at-all", "Changed-Passw0rd-2", renewThisSession: false));
        Assert.Contains("current password is wrong", wrong.Message);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/settings")).StatusCode);

        var changed = await AsUserAsync(email, (admin, me) => admin.ChangeOwnPasswordAsync(me, password, "Changed-Passw0rd-2", renewThisSession: false));
        Assert.Equal(UserChangeStatus.Done, changed.Status);
        Assert.Equal(HttpStatusCode.Redirect, (await here.GetAsync("/settings")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.GetAsync("/settings")).StatusCode);
        using var signedIn = await app.SignInAsync(email, "Changed-Passw0rd-2");
    }

    /// <summary>What the users page does: the service, in a scope of its own, acting as a signed-in admin.</summary>
    private Task<UserChange> AsAdminAsync(Func<UserAdministration, System.Security.Claims.ClaimsPrincipal, Task<UserChange>> change, string email = SecurityApp.AdminEmail) =>
        AsUserAsync(email, change);

    private async Task<UserChange> AsUserAsync(string email, Func<UserAdministration, System.Security.Claims.ClaimsPrincipal, Task<UserChange>> change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var principal = await scope.ServiceProvider.GetRequiredService<SignInManager<AdminUser>>().CreateUserPrincipalAsync((await FindAsync(email))!);
        return await change(scope.ServiceProvider.GetRequiredService<UserAdministration>(), principal);
    }

    private async Task<AdminUser?> FindAsync(string email)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>().FindByEmailAsync(email);
    }

    private async Task<string> IdOfAsync(string email) => (await FindAsync(email))?.Id ?? throw new InvalidOperationException($"No user {email}");
}
