using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Tests.Admin;
using Triton.Web.Access;

namespace Triton.Tests.Security;

/// <summary>/setup on a database without users: the code from the log, and exactly one first admin.</summary>
public sealed class SetupTests
{
    [Fact]
    public async Task Setup_needs_the_code_printed_in_the_log_even_from_localhost()
    {
        using var app = new SecurityApp(withAdmin: false);
        var code = app.Services.GetRequiredService<SetupCode>().Value;
        Assert.Contains(app.Log, line => line.Contains("/setup") && line.Contains(code));

        using var client = app.Client();
        var wrong = await PostSetupAsync(client, "XXXX-XXXX-XXXX-XXXX", "first@example.com");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("setup code is wrong", await wrong.Content.ReadAsStringAsync());
        var missing = await PostSetupAsync(client, "", "first@example.com");
        Assert.Contains("Enter the setup code", await missing.Content.ReadAsStringAsync());
        Assert.Equal(0, await UserCountAsync(app));

        // Case and spacing do not matter; the right code creates the admin and signs them in.
        var right = await PostSetupAsync(client, code.ToLowerInvariant().Replace("-", " "), "first@example.com");
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(1, await UserCountAsync(app));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users")).StatusCode);

        // Once done, the page offers no form and the same code creates nothing more.
        using var other = app.Client();
        Assert.Contains("already been completed", await other.GetStringAsync("/setup"));
        using (var scope = app.Services.CreateScope())
        {
            var again = await scope.ServiceProvider.GetRequiredService<AdminBootstrap>()
                .CreateFirstAdminAsync("second@example.com", "Second-Admin-Passw0rd!", code, default);
            Assert.Equal([AdminBootstrap.SetupDone], again.Errors);
        }
        Assert.Equal(1, await UserCountAsync(app));
    }

    [Fact]
    public async Task Concurrent_setups_create_exactly_one_admin()
    {
        using var app = new SecurityApp(withAdmin: false);
        var code = app.Services.GetRequiredService<SetupCode>().Value;
        const int attempts = 8;
        var clients = Enumerable.Range(0, attempts).Select(_ => app.Client()).ToList();
        // Each client fetches its form first, then all post at once.
        var tokens = await Task.WhenAll(clients.Select(async c => AdminFormsTests.Token(await c.GetStringAsync("/setup"))));
        using var start = new SemaphoreSlim(0);
        var posts = clients.Select((c, i) => Task.Run(async () =>
        {
            await start.WaitAsync();
            return await c.PostAsync("/setup", Form(tokens[i], code, $"racer{i}@example.com"));
        })).ToList();
        start.Release(attempts);
        var answers = await Task.WhenAll(posts);

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Redirect));
        Assert.Equal(1, await UserCountAsync(app));
        using var scope = app.Services.CreateScope();
        Assert.Single(await scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>().GetUsersInRoleAsync(AdminRoles.Admin));
        foreach (var c in clients) c.Dispose();
    }

    private static async Task<HttpResponseMessage> PostSetupAsync(HttpClient client, string code, string email) =>
        await client.PostAsync("/setup", Form(AdminFormsTests.Token(await client.GetStringAsync("/setup")), code, email));

    private static FormUrlEncodedContent Form(string token, string code, string email) => new(new Dictionary<string, string>
    {
        ["_handler"] = "setup",
        ["__RequestVerificationToken"] = token,
        ["Input.Code"] = code,
        ["Input.Email"] = email,
        ["Input.Password"] = "First-Admin-Passw0rd!",
    });

    private static async Task<int> UserCountAsync(SecurityApp app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>().Users.CountAsync();
    }
}
