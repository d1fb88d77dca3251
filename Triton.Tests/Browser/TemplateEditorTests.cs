using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Triton.Core.Domain;
using Triton.Tests.Admin;

namespace Triton.Tests.Browser;

/// <summary>The template editor in a real browser: ace, the variables panel, the sandboxed preview, the save.</summary>
public sealed class TemplateEditorTests : IClassFixture<AdminApp>, IClassFixture<ChromiumBrowser>
{
    private readonly AdminApp app;
    private readonly ChromiumBrowser chromium;

    public TemplateEditorTests(AdminApp app, ChromiumBrowser chromium)
    {
        this.app = app;
        this.chromium = chromium;
    }

    [Fact]
    public async Task Write_a_template_in_the_editor_see_its_preview_and_save_it()
    {
        await using (var db = app.Db())
        {
            db.Templates.Add(new Template { Name = "browser-footer", Body = "<footer>Sent to {{email}}</footer>" });
            await db.SaveChangesAsync();
        }
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add(message);

        await page.GotoAsync(new Uri(app.BaseAddress, "/templates/new").ToString());
        await page.GetByLabel("Email").FillAsync(AdminApp.AdminEmail);
        await page.GetByLabel("Password").FillAsync(AdminApp.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/templates/new");

        await page.GetByLabel("Name (other templates").FillAsync("browser-welcome");
        var editor = page.Locator("#t-body-editor");
        await Assertions.Expect(editor.Locator(".ace_content")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#t-body")).ToBeHiddenAsync();

        // Replace the starter body by typing, then insert a variable and a partial from the panel.
        await editor.ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Delete");
        await page.Keyboard.TypeAsync("<h1>Welcome aboard, ");
        await page.Locator("[data-insert=\"{{email}}\"]").DblClickAsync();
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("[data-insert=\"{{> browser-footer}}\"]").DblClickAsync();
        var body = await page.Locator("#t-body").InputValueAsync();
        Assert.Contains("<h1>Welcome aboard, {{email}}", body);
        Assert.Contains("{{> browser-footer}}", body);

        await page.GetByRole(AriaRole.Tab, new() { Name = "Preview" }).ClickAsync();
        var frame = page.FrameLocator("#template-preview iframe");
        await Assertions.Expect(frame.Locator("h1")).ToHaveTextAsync("Welcome aboard, recipient@example.com");
        await Assertions.Expect(frame.Locator("footer")).ToHaveTextAsync("Sent to recipient@example.com");
        Assert.Equal("", await page.Locator("#template-preview iframe").GetAttributeAsync("sandbox"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumBrowser.ScreenshotDirectory, "template-editor-preview.png"), FullPage = true });

        // A change in the editor reaches the open preview without leaving the tab.
        await page.GetByRole(AriaRole.Tab, new() { Name = "HTML" }).ClickAsync();
        await page.Keyboard.PressAsync("Control+Home");
        await page.Keyboard.TypeAsync("<p>Issue 7");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Preview" }).ClickAsync();
        await Assertions.Expect(frame.Locator("p").First).ToHaveTextAsync("Issue 7");

        await page.GetByRole(AriaRole.Button, new() { Name = "Create template" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/templates/\\d+\\?saved=true$"));
        await Assertions.Expect(page.Locator("h1").First).ToHaveTextAsync("browser-welcome");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved (version 1).");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumBrowser.ScreenshotDirectory, "template-editor.png"), FullPage = true });

        await using (var db = app.Db())
        {
            var saved = await db.Templates.AsNoTracking().SingleAsync(t => t.Name == "browser-welcome");
            Assert.Contains("<h1>Welcome aboard, {{email}}", saved.Body);
            Assert.Contains("{{> browser-footer}}", saved.Body);
            Assert.StartsWith("<p>Issue 7", saved.Body);
        }
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_transport_form_shows_only_the_fields_of_the_chosen_kind()
    {
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/transports/new").ToString());
        await page.GetByLabel("Email").FillAsync(AdminApp.AdminEmail);
        await page.GetByLabel("Password").FillAsync(AdminApp.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/transports/new");

        await Assertions.Expect(page.GetByLabel("Host")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Directory")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumBrowser.ScreenshotDirectory, "transport-new-smtp.png"), FullPage = true });
        await page.GetByLabel("Kind").SelectOptionAsync("pickup");
        await Assertions.Expect(page.GetByLabel("Host")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByLabel("Directory")).ToBeVisibleAsync();

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Browser pickup");
        await page.GetByLabel("Directory").FillAsync("browser-pickup");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create transport" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/transports/\\d+\\?saved=true$"));
        await Assertions.Expect(page.GetByLabel("Kind")).ToHaveValueAsync("pickup");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.Locator(".connection-report")).ToContainTextAsync("is writable");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumBrowser.ScreenshotDirectory, "transport-test-connection.png"), FullPage = true });
    }
}
