using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Triton.Core.Access;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Tests.Admin;

namespace Triton.Tests.Browser;

/// <summary>
/// The README's transactional flow in a real browser: a contract and a trigger made in the admin, an
/// event posted with an API key of the send scope, the message found in the log page and its file in
/// the pickup folder; a missing variable answers 422 naming it, and a repeated Idempotency-Key sends
/// nothing more.
/// </summary>
public sealed partial class TransactionalMailPagesTests : IClassFixture<AdminApp>, IClassFixture<ChromiumBrowser>
{
    // The pages move on through the circuit (no full load follows every step): the new address is what counts.
    private static readonly PageWaitForURLOptions Committed = new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 };

    private readonly AdminApp app;
    private readonly ChromiumBrowser chromium;

    public TransactionalMailPagesTests(AdminApp app, ChromiumBrowser chromium)
    {
        this.app = app;
        this.chromium = chromium;
    }

    [Fact]
    public async Task A_contract_and_trigger_made_in_the_admin_send_a_posted_event_once_per_key()
    {
        // The template and pickup transport come from their own pages; here they are written directly.
        var parts = await CampaignSeed.CreateAsync(app.Services, "transactional", 0);
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync(Url("/contracts/new"));
        await AdminSignIn.SubmitAsync(page, AdminApp.AdminEmail, AdminApp.AdminPassword);
        await page.WaitForURLAsync(Url("/contracts/new"), Committed);
        await Assertions.Expect(page.Locator("[data-interactive=\"true\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        // The contract: one required variable whose test value must be JSON before it saves.
        await FillAsync(page.Locator("input[data-field=name]"), "PasswordReset");
        await page.Locator("[data-add-variable]").ClickAsync();
        await FillAsync(page.Locator("[data-variable-row=\"0\"] input[data-variable-name]"), "code");
        await FillAsync(page.Locator("[data-variable-row=\"0\"] input[data-variable-test-value]"), "123456x");
        await Assertions.Expect(page.Locator("[data-variable-row=\"0\"]")).ToContainTextAsync("Not valid JSON");
        await FillAsync(page.Locator("[data-variable-row=\"0\"] input[data-variable-test-value]"), "\"123456\"");
        await Assertions.Expect(page.Locator("[data-variable-row=\"0\"]")).Not.ToContainTextAsync("Not valid JSON");
        await page.Locator("[data-save]").ClickAsync();
        await page.WaitForURLAsync(ContractPage(), Committed);

        // The trigger: the variables panel follows the event chosen.
        await page.GotoAsync(Url("/triggers/new"));
        await Assertions.Expect(page.Locator("[data-interactive=\"true\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await FillAsync(page.Locator("input[data-field=name]"), "Password reset mail");
        await ChooseAsync(page, "event", "PasswordReset");
        await Assertions.Expect(page.Locator("[data-trigger-variables] [data-variable=code]")).ToContainTextAsync("\"123456\"");
        await ChooseAsync(page, "template", "transactional template");
        await ChooseAsync(page, "transport", "transactional pickup");
        await FillAsync(page.Locator("textarea[data-field=subjects]"), "Your code {{code}}");
        await FillAsync(page.Locator("input[data-field=from-address]"), "noreply@example.com");
        await page.GetByText("Active: handles its event").ClickAsync();
        await page.Locator("[data-save]").ClickAsync();
        await page.WaitForURLAsync(TriggerPage(), Committed);
        await Assertions.Expect(page.Locator("[data-interactive=\"true\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateSendKeyAsync());

        var accepted = await PostEventAsync(api, new { recipient = new { email = "ada@example.com" }, variables = new { code = "918273" } }, "reset-1");
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        var messageId = accepted.Body.GetProperty("messageId").GetString()!;

        // A missing variable is refused before anything is stored, and the answer names it.
        var invalid = await PostEventAsync(api, new { recipient = new { email = "bob@example.com" }, variables = new { other = 1 } }, null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Status);
        Assert.True(invalid.Body.GetProperty("errors").TryGetProperty("variables.code", out _), invalid.Body.ToString());

        // The same key again answers the first answer and stores nothing more.
        var replay = await PostEventAsync(api, new { recipient = new { email = "ada@example.com" }, variables = new { code = "918273" } }, "reset-1");
        Assert.Equal(HttpStatusCode.Accepted, replay.Status);
        Assert.Equal(messageId, replay.Body.GetProperty("messageId").GetString());

        await WaitForStatusAsync(api, messageId, "sent");

        // The log page finds it by recipient; its detail shows what was sent.
        await page.GotoAsync(Url("/messages"));
        await Assertions.Expect(page.Locator("[data-interactive=\"true\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.Locator("input[data-filter=email]").FillAsync("ada@example.com");
        var link = page.Locator($"[data-message-link=\"{messageId}\"]");
        await Assertions.Expect(link).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("[data-messages] [data-message-link]")).ToHaveCountAsync(1);
        await link.ClickAsync();
        await page.WaitForURLAsync(Url($"/messages/{messageId}"), Committed);
        await Assertions.Expect(page.Locator("[data-message-detail]")).ToContainTextAsync("sent");
        await Assertions.Expect(page.Locator("[data-message-variables]")).ToContainTextAsync("918273");
        await Assertions.Expect(page.Locator("[data-message-detail]")).ToContainTextAsync("Password reset mail");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumBrowser.ScreenshotDirectory, "transactional-message.png"), FullPage = true });

        // One file in the pickup folder: the refused event and the repeated key sent nothing.
        var file = Assert.Single(Directory.GetFiles(parts.PickupDirectory, "*.eml"));
        var eml = await File.ReadAllTextAsync(file);
        Assert.Contains("ada@example.com", eml);
        Assert.Contains("Your code 918273", eml);
    }

    private string Url(string path) => new Uri(app.BaseAddress, path).ToString();

    private static async Task FillAsync(ILocator field, string value)
    {
        await field.FillAsync(value);
        // MudBlazor's text fields take their value on change, which the browser fires on leaving the field.
        await field.PressAsync("Tab");
    }

    private static async Task ChooseAsync(IPage page, string field, string option)
    {
        await MudControls.PickAsync(page.Locator($"[data-field={field}]"), option);
        await Assertions.Expect(page.Locator($"[data-field={field}]")).ToContainTextAsync(option);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostEventAsync(HttpClient api, object body, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events/PasswordReset") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static async Task WaitForStatusAsync(HttpClient api, string messageId, string status)
    {
        var seen = "";
        for (var i = 0; i < 150; i++)
        {
            seen = (await api.GetFromJsonAsync<JsonElement>($"/api/messages/{messageId}")).GetProperty("status").GetString()!;
            if (seen == status) return;
            await Task.Delay(100);
        }
        Assert.Fail($"The message stayed {seen}.");
    }

    private async Task<string> CreateSendKeyAsync()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TritonDbContext>();
        var key = ApiKeySecrets.Generate();
        db.ApiKeys.Add(new ApiKey
        {
            Name = "transactional browser test", Prefix = ApiKeySecrets.Prefix(key), Hash = ApiKeySecrets.Hash(key), Scope = ApiScope.Send,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return key;
    }

    [GeneratedRegex(@"/contracts/\d+$")]
    private static partial Regex ContractPage();

    [GeneratedRegex(@"/triggers/\d+$")]
    private static partial Regex TriggerPage();
}
