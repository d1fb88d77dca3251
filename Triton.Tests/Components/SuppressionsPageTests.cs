using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Suppressions;
using Triton.Tests.Admin;
using Triton.Web.Access;
using Triton.Web.Components.Suppressions;

namespace Triton.Tests.Components;

/// <summary>The interactive suppressions page over the real SuppressionService.</summary>
public sealed class SuppressionsPageTests(AdminApp app) : AdminComponentTest(app), IClassFixture<AdminApp>
{
    [Fact]
    public async Task An_editor_suppresses_an_address_sees_a_bad_one_named_and_removes_it_after_confirming()
    {
        SignIn(AdminRoles.Editor);
        var page = Render<SuppressionsPage>();
        page.WaitForAssertion(() => Field(page, "Email"), TimeSpan.FromSeconds(10));

        Enter(page, "Email", "not an address");
        Click(page, "Suppress");
        page.WaitForAssertion(() => Assert.Contains("is not a valid email address", ErrorAt(Field(page, "Email"))), TimeSpan.FromSeconds(10));

        Enter(page, "Email", "Gone@Example.com");
        Click(page, "Suppress");
        page.WaitForAssertion(() => Assert.Contains("gone@example.com", page.Find("[data-suppressions]").TextContent), TimeSpan.FromSeconds(10));
        var service = App.Services.GetRequiredService<SuppressionService>();
        Assert.Equal("admin", (await service.FindAsync("gone@example.com", default))!.Source);

        StaleHandlers.Retry(page, () => page.FindAll("[data-suppressions] tr").Single(r => r.TextContent.Contains("gone@example.com"))
            .QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Remove").Click());
        Dialogs.WaitForAssertion(() => Assert.Contains("Campaigns will send to gone@example.com again", Dialogs.Markup), TimeSpan.FromSeconds(10));
        StaleHandlers.Retry(Dialogs, () => Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Remove").Click());
        page.WaitForAssertion(() => Assert.DoesNotContain("gone@example.com", page.Find("[data-suppressions]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Null(await service.FindAsync("gone@example.com", default));
    }

    [Fact]
    public async Task A_viewer_sees_the_list_without_any_way_to_change_it()
    {
        await App.Services.GetRequiredService<SuppressionService>().AddOneAsync(new SuppressionInput { Email = "viewer-sees@example.com" }, "api", default);
        SignIn(AdminRoles.Viewer);
        var page = Render<SuppressionsPage>();
        page.WaitForAssertion(() => Assert.Contains("viewer-sees@example.com", page.Find("[data-suppressions]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-suppression-form]"));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() is "Remove" or "Suppress");
    }
}
