using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Triton.Core.Domain;
using Triton.Tests.Admin;

namespace Triton.Tests.Browser;

/// <summary>The interactive template editor in a real browser: ace, the error at its line, the variables panel, the sandboxed preview as a list recipient, the save.</summary>
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
    public async Task Write_a_template_with_an_error_see_it_at_its_line_fix_it_and_preview_it_as_a_list_recipient()
    {
        await using (var db = app.Db())
        {
            db.Templates.Add(new Template { Name = "browser-footer", Body = "<footer>Sent to {{email}}</footer>" });
            // The first list by name is the one the preview renders as; its recipient's city fills {{city}}.
            var list = new MailingList { Name = "0 preview list", CreatedAt = DateTimeOffset.UtcNow, Columns = [new ListColumn { Name = "city", Position = 0 }] };
            db.Lists.Add(list);
            await db.SaveChangesAsync();
            db.Recipients.Add(new Recipient { ListId = list.Id, Email = "ann@example.com", EmailKey = "ann@example.com", Fields = "{\"city\":\"Oslo\"}" });
            await db.SaveChangesAsync();
        }
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add(message);

        await page.GotoAsync(new Uri(app.BaseAddress, "/templates/new").ToString());
        await AdminSignIn.SubmitAsync(page, AdminApp.AdminEmail, AdminApp.AdminPassword);
        await page.WaitForURLAsync("**/templates/new");
        await Assertions.Expect(page.Locator("[data-template-editor][data-interactive=\"true\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var editor = page.Locator("[data-code-editor][data-ready=\"true\"]");
        await Assertions.Expect(editor).ToBeVisibleAsync(new() { Timeout = 15_000 });

        await page.Locator("input[data-field=\"name\"], [data-field=\"name\"] input").FillAsync("browser-welcome");
        // A block closed by the wrong name on line 3: the error shows with its line.
        await editor.ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Delete");
        await page.Keyboard.InsertTextAsync("<h1>Hello {{city}}</h1>\n<p>{{#if email}}Dear {{email}}</p>\n  {{/each}}");
        var compileError = page.Locator("[data-compile-error]");
        await Assertions.Expect(compileError).ToHaveAttributeAsync("data-line", "3");
        await Assertions.Expect(compileError).ToContainTextAsync("Line 3");
        await Assertions.Expect(editor.Locator(".ace_error")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumBrowser.ScreenshotDirectory, "template-editor-error.png"), FullPage = true });

        // Saving it anyway is refused with the same line.
        await page.Locator("[data-action=\"save\"]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-form-error]")).ToBeVisibleAsync();
        await Assertions.Expect(compileError).ToContainTextAsync("Line 3");

        // Fixed: the error goes and the preview shows the list recipient's columns filled.
        await editor.ClickAsync();
        await page.Keyboard.PressAsync("Control+End");
        for (var i = 0; i < "{{/each}}".Length; i++) await page.Keyboard.PressAsync("Backspace");
        await page.Keyboard.InsertTextAsync("{{/if}}\n");
        await page.Locator("[data-insert=\"{{> browser-footer}}\"] button").ClickAsync();
        await Assertions.Expect(compileError).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Preview" }).ClickAsync();
        var frame = page.FrameLocator("iframe[data-preview]");
        await Assertions.Expect(frame.Locator("h1")).ToHaveTextAsync("Hello Oslo");
        await Assertions.Expect(frame.Locator("footer")).ToHaveTextAsync("Sent to ann@example.com");
        Assert.Equal("", await page.Locator("iframe[data-preview]").GetAttributeAsync("sandbox"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumBrowser.ScreenshotDirectory, "template-editor-preview.png"), FullPage = true });

        // The used variables name where each comes from.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Used variables" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-variable=\"city\"]")).ToHaveAttributeAsync("data-source", "ListColumn");
        await Assertions.Expect(page.Locator("[data-variable=\"email\"]")).ToHaveAttributeAsync("data-source", "BuiltIn");
        await Assertions.Expect(page.Locator("[data-variable=\"browser-footer\"]")).ToHaveAttributeAsync("data-source", "Partial");

        await page.Locator("[data-action=\"save\"]").ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/templates/\\d+$"));
        await Assertions.Expect(page.Locator("h1").First).ToHaveTextAsync("browser-welcome");
        await using (var db = app.Db())
        {
            var saved = await db.Templates.AsNoTracking().SingleAsync(t => t.Name == "browser-welcome");
            Assert.StartsWith("<h1>Hello {{city}}</h1>", saved.Body);
            Assert.Contains("{{/if}}", saved.Body);
            Assert.Contains("{{> browser-footer}}", saved.Body);
        }
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_transport_form_shows_only_the_fields_of_the_chosen_kind()
    {
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/transports/new").ToString());
        await AdminSignIn.SubmitAsync(page, AdminApp.AdminEmail, AdminApp.AdminPassword);
        await page.WaitForURLAsync("**/transports/new");

        await Assertions.Expect(page.Locator("[data-interactive=\"true\"]").First).ToBeVisibleAsync(new() { Timeout = 15_000 });

        const string directory = "Pickup directory inside the data directory";
        await Assertions.Expect(MudControls.Input(page, "Host")).ToBeVisibleAsync();
        await Assertions.Expect(MudControls.Input(page, directory)).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumBrowser.ScreenshotDirectory, "transport-new-smtp.png"), FullPage = true });
        await MudControls.PickAsync(page, "Kind", "pickup");
        await Assertions.Expect(MudControls.Input(page, "Host")).ToHaveCountAsync(0);
        await Assertions.Expect(MudControls.Input(page, directory)).ToBeVisibleAsync();
        // Creating and testing a transport is the admin flow's (AdminFlowTests).
    }
}
