using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Triton.Tests.Admin;

namespace Triton.Tests.Browser;

/// <summary>
/// A list built in a real browser on the interactive pages: created, filled by a CSV upload (bad rows reported by line), searched,
/// then sent to by a campaign created from the form on the pickup transport.
/// </summary>
public sealed partial class ListPagesTests : IClassFixture<AdminApp>, IClassFixture<ChromiumBrowser>
{
    private readonly AdminApp app;
    private readonly ChromiumBrowser chromium;

    public ListPagesTests(AdminApp app, ChromiumBrowser chromium)
    {
        this.app = app;
        this.chromium = chromium;
    }

    [Fact]
    public async Task Create_a_list_upload_a_csv_search_it_and_send_a_campaign_to_it()
    {
        // The template and pickup transport come from their own pages; here they are written directly.
        var parts = await CampaignSeed.CreateAsync(app.Services, "browser", 0);
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(app.BaseAddress, "/lists/new").ToString());
        await AdminSignIn.SubmitAsync(page, AdminApp.AdminEmail, AdminApp.AdminPassword);
        await page.WaitForURLAsync(new Uri(app.BaseAddress, "/lists/new").ToString());
        await Assertions.Expect(page.Locator("[data-interactive=\"true\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        // A reserved column first: the error shows beside the field and the values stay.
        await page.Locator("input[data-field=\"name\"], [data-field=\"name\"] input").FillAsync("Browser list");
        var columns = page.Locator("textarea[data-field=\"columns\"], [data-field=\"columns\"] textarea");
        await columns.FillAsync("city\nemail");
        await page.Locator("[data-action=\"create\"]").ClickAsync();
        await Assertions.Expect(page.GetByText("is reserved")).ToBeVisibleAsync();
        await Screenshot(page, "list-new-errors");
        await columns.FillAsync("city");
        await page.Locator("[data-action=\"create\"]").ClickAsync();
        await page.WaitForURLAsync(ListPage());
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Browser list");
        await Assertions.Expect(page.Locator("[data-list-page][data-interactive=\"true\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        var csv = Path.Combine(Path.GetTempPath(), $"triton-upload-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv,
            "email,user_id,city\n" +
            "ann@example.com,u1,Oslo\n" +
            "bob@example.com,u2,Bergen\n" +
            "not-an-address,u3,Nowhere\n" +   // line 4
            "cleo@example.com,u4,Tromsø\n");
        try
        {
            await MudControls.UploadAsync(FileInput(page), csv);
            var report = page.Locator("[data-import-report][data-done=\"true\"]");
            await Assertions.Expect(report.Locator("[data-import-added]")).ToHaveTextAsync("3", new() { Timeout = 30_000 });
            await Assertions.Expect(report.Locator("tr[data-line=\"4\"]")).ToContainTextAsync("not a valid email address");
        }
        finally
        {
            File.Delete(csv);
        }
        // The grid and the count refreshed themselves after the import, without a reload.
        var rows = page.Locator("[data-recipients] tbody tr.mud-table-row");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("[data-recipient-count]")).ToHaveTextAsync("3");
        await Screenshot(page, "list-imported");

        // A file the server refuses (no email column) says why on the page and imports nothing.
        var headerless = Path.Combine(Path.GetTempPath(), $"triton-upload-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(headerless, "name,city\nDora,Oslo\n");
        try
        {
            await MudControls.UploadAsync(FileInput(page), headerless);
            await Assertions.Expect(page.Locator("[data-import-refusal]")).ToContainTextAsync("email");
        }
        finally
        {
            File.Delete(headerless);
        }
        await Assertions.Expect(rows).ToHaveCountAsync(3);

        await page.Locator("input[data-search], [data-search] input").FillAsync("BOB");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("bob@example.com");
        await Assertions.Expect(rows.First).ToContainTextAsync("Bergen");
        await Screenshot(page, "list-search");

        // The last import's report is kept in the database: a reload shows it again.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("[data-import-refusal]")).ToContainTextAsync("email");

        await MudControls.OpenAsync(page, new Uri(app.BaseAddress, "/campaigns/new").ToString());
        await MudControls.FillAsync(page, "Name", "Browser campaign");
        await MudControls.PickAsync(page, "Template", "browser template");
        await MudControls.PickAsync(page, "List", "Browser list");
        await MudControls.PickAsync(page, "Transport", "browser pickup");
        await MudControls.FillAsync(page, "Subject 1", "Hello {{city}}");
        await MudControls.FillAsync(page, "From address", "news@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create campaign" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/campaigns/\\d+$"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Browser campaign");
        // The campaign page is interactive: its buttons act once its connection is up.
        await Assertions.Expect(page.Locator("[data-interactive=\"true\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        // Sent for real to the pickup folder: one message per good row of the file.
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.GetFiles(parts.PickupDirectory, "*.eml").Length < 3 && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        var messages = Directory.GetFiles(parts.PickupDirectory, "*.eml").Select(File.ReadAllText).ToList();
        Assert.Equal(3, messages.Count);
        Assert.Contains(messages, m => m.Contains("Hello Bergen"));
        await Screenshot(page, "list-campaign");
    }

    /// <summary>MudFileUpload adds a fresh input after each pick; the visible-to-it one is the last.</summary>
    private static ILocator FileInput(IPage page) => page.Locator("[data-csv-import] input[type=file]").Last;

    private Regex ListPage() => new($"^{Regex.Escape(app.BaseAddress.ToString().TrimEnd('/'))}/lists/\\d+$");

    private static Task Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumBrowser.ScreenshotDirectory, name + ".png"), FullPage = true });
}
