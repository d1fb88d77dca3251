using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Bounces;
using Triton.Tests.Admin;
using Triton.Web.Access;
using Triton.Web.Components.Bounces;
using Triton.Web.Components.Users;

namespace Triton.Tests.Components;

/// <summary>The bounce mailbox page over the real BounceMailboxSettingsService: admins only, messages by field, a write-only password.</summary>
public sealed class BounceMailboxPageTests(AdminApp app) : AdminComponentTest(app), IClassFixture<AdminApp>
{
    private BounceMailboxSettingsService Service => App.Services.GetRequiredService<BounceMailboxSettingsService>();

    [Theory]
    [InlineData(AdminRoles.Editor)]
    [InlineData(AdminRoles.Viewer)]
    public void Editors_and_viewers_see_neither_the_settings_nor_the_buttons(string role)
    {
        SignIn(role);
        var page = Render<BounceMailboxPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-bounce-admins-only]")), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("input"));
        Assert.Empty(page.FindAll("[data-bounce-status]"));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() is "Save" or "Test connection");
    }

    [Theory]
    [InlineData(AdminRoles.Admin, true)]
    [InlineData(AdminRoles.Editor, false)]
    [InlineData(AdminRoles.Viewer, false)]
    public void Only_an_admins_settings_page_links_to_the_bounce_mailbox(string role, bool linked)
    {
        SignIn(role);
        var page = Render<SettingsPage>();
        page.WaitForAssertion(() => Field(page, "Page size"), TimeSpan.FromSeconds(10));
        Assert.Equal(linked, page.FindAll("a[href='/settings/bounce-mailbox']").Count == 1);
    }

    [Fact]
    public async Task A_bad_value_is_named_under_its_field_and_a_save_keeps_the_password_write_only()
    {
        SignIn(AdminRoles.Admin);
        var page = Render<BounceMailboxPage>();
        page.WaitForAssertion(() => Field(page, "Host"), TimeSpan.FromSeconds(10));
        Assert.Equal("configuration", page.Find("[data-bounce-source]").GetAttribute("data-bounce-source"));
        Assert.Equal("not set", page.Find("[data-bounce-password]").GetAttribute("data-bounce-password"));
        Assert.Contains("No mailbox is polled", page.Find("[data-bounce-last-poll]").TextContent);

        Enter(page, "Host", "bad host");
        Enter(page, "Port", "70000");
        Click(page, "Save");
        page.WaitForAssertion(() => Assert.Contains("'Host' must not contain spaces.", ErrorAt(Field(page, "Host"))), TimeSpan.FromSeconds(10));
        Assert.Contains("between 1 and 65535", ErrorAt(Field(page, "Port")));
        Assert.Equal(BounceSettingsSource.Configuration, (await Service.ReadAsync(default)).Source);

        Enter(page, "Host", "127.0.0.1");
        Enter(page, "Port", "9");
        Enter(page, "Username", "bounces");
        Enter(page, "Password", "page-secret-31");
        Click(page, "Save");
        page.WaitForAssertion(() => Assert.Equal("set", page.Find("[data-bounce-password]").GetAttribute("data-bounce-password")), TimeSpan.FromSeconds(10));
        Assert.Equal("saved", page.Find("[data-bounce-source]").GetAttribute("data-bounce-source"));
        Assert.Empty(ErrorAt(Field(page, "Host")));
        Assert.DoesNotContain("page-secret-31", page.Markup);
        var saved = await Service.ReadAsync(default);
        Assert.Equal(("127.0.0.1", (int?)9, "bounces", true), (saved.Host, saved.Port, saved.Username, saved.HasPassword));
    }
}
