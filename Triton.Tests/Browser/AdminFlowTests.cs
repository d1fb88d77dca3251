using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Triton.Core;
using Triton.Tests.Admin;
using Triton.Tests.Security;
using Triton.Web.Access;

namespace Triton.Tests.Browser;

/// <summary>
/// The admin from an empty database, in a real browser against the real app: first-admin setup, sign
/// out and in, a default test recipient set, a transport created and tested, a campaign created in the
/// editor, previewed and test-sent from its page, Run, the dashboard's counters moving through the
/// circuit, Pause, Run again, and Stop with its dialog.
/// </summary>
public sealed class AdminFlowTests : IClassFixture<AdminFlowTests.EmptyApp>, IClassFixture<ChromiumBrowser>
{
    /// <summary>The app with no user yet, so /setup is open.</summary>
    public sealed class EmptyApp : IDisposable
    {
        public SecurityApp App { get; } = new(withAdmin: false);
        public void Dispose() => App.Dispose();
    }

    private const string Email = "first-admin@example.com";
    private const string Password = "First-Admin-Passw0rd";
    private const int Recipients = 1500;
    private const string TestRecipient = "qa@example.test";
    private readonly SecurityApp app;
    private readonly ChromiumBrowser chromium;

    public AdminFlowTests(EmptyApp fixture, ChromiumBrowser chromium)
    {
        app = fixture.App;
        this.chromium = chromium;
    }

    [Fact]
    public async Task Setup_sign_in_transport_campaign_run_watch_pause_run_and_stop()
    {
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();

        // First-admin setup with the code the server printed; it signs the new admin in.
        await page.GotoAsync(Url("/login"));
        Assert.EndsWith("/setup", page.Url);
        await page.GetByLabel("Setup code").FillAsync(app.Services.GetRequiredService<SetupCode>().Value);
        await page.GetByLabel("Email").FillAsync(Email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create admin" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");

        // Sign out, and in again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/login"));
        await AdminSignIn.SubmitAsync(page, Email, Password);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");

        // A default test recipient, which prefills every test form.
        await OpenAsync(page, "/settings");
        await FillAsync(page, "Default test recipient", TestRecipient);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Saved.");

        // A pickup transport, rate-limited so the run can be watched; Test connection reports on it.
        await OpenAsync(page, "/transports/new");
        await FillAsync(page, "Name", "Flow relay");
        await PickAsync(page, "Kind", "pickup (.eml files in a folder)");
        await FillAsync(page, "Pickup directory inside the data directory (blank: <data>/pickup)", "flow-pickup");
        await FillAsync(page, "Messages per second (0: unlimited)", "100");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-connection-success=\"true\"]")).ToContainTextAsync("is writable", new() { Timeout = 15_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Create transport" }).ClickAsync();
        await MudControls.ExpectNavigationAsync(page, url => System.Text.RegularExpressions.Regex.IsMatch(url, "/transports/[0-9]+$"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Flow relay");

        // The template and the list come from the template and list pages' own tests; here they are seeded.
        await CampaignSeed.CreateAsync(app.Services, "Flow", Recipients);
        await OpenAsync(page, "/campaigns/new");
        await FillAsync(page, "Name", "Flow campaign");
        await PickAsync(page, "Template", "Flow template");
        await PickAsync(page, "List", "Flow list");
        await PickAsync(page, "Transport", "Flow relay");
        await FillAsync(page, "Subject 1", "Hello from the flow");
        await FillAsync(page, "From address", "news@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create campaign" }).ClickAsync();
        await MudControls.ExpectNavigationAsync(page, url => System.Text.RegularExpressions.Regex.IsMatch(url, "/campaigns/[0-9]+$"));
        var campaignUrl = page.Url;
        var campaignId = int.Parse(campaignUrl[(campaignUrl.LastIndexOf('/') + 1)..]);
        await Assertions.Expect(page.Locator("[data-interactive=\"true\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var state = page.Locator("[data-campaign-state]");
        await Assertions.Expect(state).ToHaveAttributeAsync("data-campaign-state", "Idle");

        // Preview as the list's first recipient; a test message to the prefilled address lands in the pickup
        // folder and is no delivery of the campaign.
        var testForm = page.Locator("[data-campaign-test]");
        await Assertions.Expect(MudControls.Input(page, "Send test to")).ToHaveValueAsync(TestRecipient);
        await testForm.GetByRole(AriaRole.Button, new() { Name = "Preview", Exact = true }).ClickAsync();
        await Assertions.Expect(testForm.Locator("[data-preview-subject]")).ToHaveTextAsync("Hello from the flow");
        await Assertions.Expect(testForm.Locator("[data-campaign-preview] iframe")).ToHaveAttributeAsync("srcdoc", "<p>Hello r0@example0.test</p>");
        await testForm.GetByRole(AriaRole.Button, new() { Name = "Send test", Exact = true }).ClickAsync();
        await Assertions.Expect(testForm.Locator("[data-test-result]")).ToHaveAttributeAsync("data-test-result", "accepted", new() { Timeout = 15_000 });
        var pickup = app.Services.GetRequiredService<IOptions<TritonOptions>>().Value.ResolveDataPath("flow-pickup");
        var test = Assert.Single(Directory.EnumerateFiles(pickup, "*.eml"));
        Assert.Contains(File.ReadLines(test), line => line.StartsWith("To:", StringComparison.Ordinal) && line.Contains(TestRecipient));
        await Assertions.Expect(page.Locator("[data-progress=\"sent\"]")).ToHaveTextAsync("0");

        // Run, then watch on the dashboard: the counters rise through the circuit, without a reload.
        await CampaignButton(page, "Run").ClickAsync();
        await Assertions.Expect(CampaignButton(page, "Run")).ToBeDisabledAsync();
        await OpenAsync(page, "/");
        await page.EvaluateAsync("window.tritonNoReload = true");
        var sent = page.Locator($"[data-progress-campaign=\"{campaignId}\"] [data-progress=\"sent\"]");
        var seen = new List<long>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (seen.Count < 3 && DateTime.UtcNow < deadline)
        {
            if (await sent.CountAsync() == 1 && long.TryParse(await sent.InnerTextAsync(), out var value)
                && value > 0 && value < Recipients && (seen.Count == 0 || value > seen[^1]))
                seen.Add(value);
            await Task.Delay(50);
        }
        Assert.True(seen.Count >= 3, $"the dashboard's sent counter rose through {seen.Count} values: {string.Join(", ", seen)}");
        Assert.True(await page.EvaluateAsync<bool>("window.tritonNoReload === true"), "the dashboard reloaded");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumBrowser.ScreenshotDirectory, "dashboard-running.png"), FullPage = true });

        // Pause, Run again until it finishes, then Stop, which asks first.
        await OpenAsync(page, campaignUrl);
        await CampaignButton(page, "Pause").ClickAsync();
        await Assertions.Expect(state).ToHaveAttributeAsync("data-campaign-state", "Paused", new() { Timeout = 15_000 });
        await CampaignButton(page, "Run").ClickAsync();
        await Assertions.Expect(state).ToHaveAttributeAsync("data-campaign-state", "Finished", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-progress=\"sent\"]")).ToHaveTextAsync(Recipients.ToString(), new() { Timeout = 10_000 });
        await CampaignButton(page, "Stop").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("Stop forgets who received this campaign");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
        await Assertions.Expect(state).ToHaveAttributeAsync("data-campaign-state", "Idle", new() { Timeout = 15_000 });
    }

    private string Url(string path) => path.StartsWith("http") ? path : new Uri(app.BaseAddress, path).ToString();

    private Task OpenAsync(IPage page, string path) => MudControls.OpenAsync(page, Url(path));

    private static Task FillAsync(IPage page, string label, string value) => MudControls.FillAsync(page, label, value);

    private static Task PickAsync(IPage page, string label, string option) => MudControls.PickAsync(page, label, option);

    private static ILocator CampaignButton(IPage page, string name) =>
        page.Locator("[data-campaign-page]").GetByRole(AriaRole.Button, new() { Name = name, Exact = true });
}
