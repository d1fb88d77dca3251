using Microsoft.Playwright;
using Triton.Core.Domain;
using Triton.Tests.Admin;
using Triton.Tests.Browser;

namespace Triton.Tests.Security;

/// <summary>The admin's pages under the Content-Security-Policy in a real browser: nothing they need is refused.</summary>
public sealed class CspBrowserTests : IClassFixture<AdminApp>, IClassFixture<ChromiumBrowser>
{
    private readonly AdminApp app;
    private readonly ChromiumBrowser chromium;

    public CspBrowserTests(AdminApp app, ChromiumBrowser chromium)
    {
        this.app = app;
        this.chromium = chromium;
    }

    [Fact]
    public async Task The_admin_pages_run_their_scripts_styles_editor_preview_and_live_progress_without_a_csp_violation()
    {
        int listId, campaignId, templateId;
        await using (var db = app.Db())
        {
            var template = new Template { Name = "csp-template", Body = "<p style=\"color:red\">Hi {{email}}</p><img src=\"https://images.example.com/logo.png\">" };
            var list = new MailingList { Name = "csp-list", CreatedAt = DateTimeOffset.UtcNow };
            var transport = new Transport { Name = "csp-transport", Kind = TransportKind.Pickup, UpdatedAt = DateTimeOffset.UtcNow };
            db.AddRange(template, list, transport);
            await db.SaveChangesAsync();
            var campaign = new Campaign
            {
                Name = "csp-campaign", TemplateId = template.Id, ListId = list.Id, TransportId = transport.Id,
                Subjects = ["Hello"], FromAddress = "news@example.com",
            };
            db.Add(campaign);
            await db.SaveChangesAsync();
            (listId, campaignId, templateId) = (list.Id, campaign.Id, template.Id);
        }

        var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add($"{page.Url}: {message.Text}");
        };
        page.PageError += (_, message) => violations.Add($"{page.Url}: {message}");

        await page.GotoAsync(new Uri(app.BaseAddress, "/login").ToString());
        await page.GetByLabel("Email").FillAsync(AdminApp.AdminEmail);
        await page.GetByLabel("Password").FillAsync(AdminApp.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(new Uri(app.BaseAddress, "/").ToString());

        // The dashboard (SignalR), a list (interactive, MudBlazor), the interactive campaign pages (Blazor Server, MudBlazor) and the template editor (ace over JS interop, preview frame).
        await page.GotoAsync(new Uri(app.BaseAddress, "/").ToString());
        await page.WaitForTimeoutAsync(500);
        await page.GotoAsync(new Uri(app.BaseAddress, $"/lists/{listId}").ToString());
        await page.WaitForTimeoutAsync(500);
        await page.GotoAsync(new Uri(app.BaseAddress, $"/campaigns/{campaignId}").ToString());
        // The interactive campaign page: blazor.web.js, MudBlazor's script and styles, the circuit's WebSocket.
        await Assertions.Expect(page.Locator("[data-interactive=\"true\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.GotoAsync(new Uri(app.BaseAddress, "/campaigns").ToString());
        await Assertions.Expect(page.Locator("[data-campaigns]")).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(500);

        await page.GotoAsync(new Uri(app.BaseAddress, $"/templates/{templateId}").ToString());
        await Assertions.Expect(page.Locator("[data-code-editor] .ace_content")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.GetByRole(AriaRole.Tab, new() { Name = "Preview" }).ClickAsync();
        await Assertions.Expect(page.FrameLocator("iframe[data-preview]").Locator("p")).ToContainTextAsync("Hi ");
        await page.WaitForTimeoutAsync(500);

        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

}
