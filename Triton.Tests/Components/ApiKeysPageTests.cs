using System.Net;
using System.Net.Http.Headers;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Access;
using Triton.Core.Domain;
using Triton.Tests.Admin;
using Triton.Web.Access;
using Triton.Web.Components.ApiKeys;

namespace Triton.Tests.Components;

/// <summary>The interactive API keys page over the real ApiKeyService and the real API on its port.</summary>
public sealed class ApiKeysPageTests(AdminApp app) : AdminComponentTest(app), IClassFixture<AdminApp>
{
    [Fact]
    public async Task A_created_key_is_shown_once_opens_the_api_with_its_scope_and_a_revoke_closes_it()
    {
        SignIn(AdminRoles.Admin);
        var page = Render<ApiKeysPage>();
        page.WaitForAssertion(() => Field(page, "Name"), TimeSpan.FromSeconds(10));
        Enter(page, "Name", "reporting");
        Click(page, "Create key");

        page.WaitForAssertion(() => Assert.StartsWith("trk_", page.Find("[data-api-key]").TextContent), TimeSpan.FromSeconds(10));
        var secret = page.Find("[data-api-key]").TextContent.Trim();
        using var client = new HttpClient { BaseAddress = App.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/lists")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync("/api/lists/1")).StatusCode);
        var key = (await App.Services.GetRequiredService<ApiKeyService>().ListAsync(default)).Single(k => k.Hash == ApiKeySecrets.Hash(secret));
        Assert.Equal(ApiScope.Read, key.Scope);

        // Opened again, the page lists the key but never its secret.
        var again = Render<ApiKeysPage>();
        again.WaitForAssertion(() => Assert.NotEmpty(again.FindAll($"[data-api-key-row=\"{key.Id}\"]")), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(secret, again.Markup);
        Assert.Empty(again.FindAll("[data-api-key]"));

        // Revoke asks first; confirming closes the API to the key.
        StaleHandlers.Retry(again, () => again.Find($"[data-api-key-row=\"{key.Id}\"]").ParentElement!
            .QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Revoke").Click());
        var dialog = Dialogs;
        dialog.WaitForAssertion(() => Assert.Contains("Clients using it get 401", dialog.Markup), TimeSpan.FromSeconds(10));
        // The dialog renders again as it opens: a button found before that carries a dropped handler id.
        StaleHandlers.Retry(dialog, () => dialog.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke").Click());
        again.WaitForAssertion(() => Assert.Contains("revoked", again.Find($"[data-api-key-row=\"{key.Id}\"]").ParentElement!.TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/lists")).StatusCode);
    }
}
