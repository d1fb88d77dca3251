using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Data;
using Triton.Web.Access;

namespace Triton.Tests.Admin;

/// <summary>Signs in as a role and posts admin forms as a browser would: form fields, handler name, antiforgery token.</summary>
internal static class AdminForm
{
    /// <summary>A client signed in as the configured admin, or as a new user of <paramref name="role"/>.</summary>
    public static async Task<HttpClient> SignedInAsync(AdminApp app, string role = AdminRoles.Admin)
    {
        var client = app.CreateBrowserlessClient();
        var (email, password) = (AdminApp.AdminEmail, AdminApp.AdminPassword);
        if (role != AdminRoles.Admin)
        {
            (email, password) = ($"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.com", "Signed-In-Passw0rd!");
            using var scope = app.Services.CreateScope();
            var result = await scope.ServiceProvider.GetRequiredService<AdminBootstrap>().CreateUserAsync(email, password, role);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        }
        var signIn = await AdminFormsTests.SignInAsync(client, email, password, "/");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, signIn.StatusCode);
        return client;
    }

    /// <summary>Posts the form named <paramref name="handler"/> (none for a plain endpoint) with a token read from <paramref name="tokenPage"/> (the form's own page by default).</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string handler, Dictionary<string, string> fields, string? tokenPage = null)
    {
        var page = await client.GetStringAsync(tokenPage ?? path);
        var body = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = AdminFormsTests.Token(page) };
        if (handler.Length > 0) body["_handler"] = handler;
        return await client.PostAsync(path, new FormUrlEncodedContent(body));
    }

    public static string Location(HttpResponseMessage response) =>
        response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.PathAndQuery : response.Headers.Location.OriginalString;

    public static TritonDbContext Db(this AdminApp app)
    {
        var scope = app.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<TritonDbContext>();
    }
}
