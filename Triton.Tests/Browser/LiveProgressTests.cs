using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Triton.Core.Access;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Tests.Admin;

namespace Triton.Tests.Browser;

/// <summary>
/// A campaign sent for real to a rate-limited pickup transport while its interactive page is open:
/// signed in, Run, the counters move through the circuit alone (no reload), hold when paused, Run
/// again finishes equal to what the API reports, and Stop asks first in a dialog.
/// </summary>
public sealed class LiveProgressTests : IClassFixture<AdminApp>, IClassFixture<ChromiumBrowser>
{
    private static readonly string[] Counters = ["plan", "enqueued", "sent", "skipped", "failed", "bounced"];
    private readonly AdminApp app;
    private readonly ChromiumBrowser chromium;

    public LiveProgressTests(AdminApp app, ChromiumBrowser chromium)
    {
        this.app = app;
        this.chromium = chromium;
    }

    [Fact]
    public async Task Counters_rise_live_hold_when_paused_and_finish_equal_to_the_api()
    {
        const int recipients = 3000;
        var campaignId = await CampaignSeed.CreateCampaignAsync(app.Services, "Live progress", recipients, ratePerSecond: 300);
        var apiKey = await CreateApiKeyAsync();

        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var campaignUrl = new Uri(app.BaseAddress, $"/campaigns/{campaignId}").ToString();
        await page.GotoAsync(campaignUrl);
        await AdminSignIn.SubmitAsync(page, AdminApp.AdminEmail, AdminApp.AdminPassword);
        await page.WaitForURLAsync(campaignUrl);

        var state = page.Locator("[data-campaign-state]");
        var sent = page.Locator("[data-progress=\"sent\"]");
        await Assertions.Expect(page.Locator("[data-interactive=\"true\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(state).ToHaveAttributeAsync("data-campaign-state", "Idle");
        await Assertions.Expect(Button(page, "Pause")).ToBeDisabledAsync();
        await Assertions.Expect(Button(page, "Stop")).ToBeDisabledAsync();

        // From here on the page never reloads: every number arrives through the circuit.
        await page.EvaluateAsync("window.tritonNoReload = true");
        await Button(page, "Run").ClickAsync();
        await Assertions.Expect(Button(page, "Run")).ToBeDisabledAsync();
        var seen = new List<long>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (seen.Count < 4 && DateTime.UtcNow < deadline)
        {
            var value = long.Parse(await sent.InnerTextAsync());
            if (value > 0 && value < recipients && (seen.Count == 0 || value > seen[^1])) seen.Add(value);
            await Task.Delay(50);
        }
        Assert.True(seen.Count >= 3, $"sent rose through {seen.Count} intermediate values: {string.Join(", ", seen)}");

        await Button(page, "Pause").ClickAsync();
        await Assertions.Expect(state).ToHaveAttributeAsync("data-campaign-state", "Paused", new() { Timeout = 15_000 });
        await Assertions.Expect(Button(page, "Run")).ToBeEnabledAsync();
        // Messages already handed to the transport settle after the pause; the page shows them landing
        // and then holds, equal to the API.
        var paused = await ReadCountersAsync(page);
        for (var i = 0; i < 100 && !paused.SequenceEqual(await ApiCountersAsync(campaignId, apiKey)); i++)
        {
            await Task.Delay(100);
            paused = await ReadCountersAsync(page);
        }
        await Assertions.Expect(page.Locator("[data-progress=\"inflight\"]")).ToHaveTextAsync("0");
        await Task.Delay(2000);
        Assert.Equal(paused, await ReadCountersAsync(page));
        Assert.True(paused["sent"] < recipients, "the campaign finished before it could be paused");
        Assert.Equal(paused, await ApiCountersAsync(campaignId, apiKey));

        await Button(page, "Run").ClickAsync();
        await Assertions.Expect(state).ToHaveAttributeAsync("data-campaign-state", "Finished", new() { Timeout = 60_000 });
        await Assertions.Expect(sent).ToHaveTextAsync(recipients.ToString(), new() { Timeout = 10_000 });
        var shown = await ReadCountersAsync(page);
        Assert.Equal(await ApiCountersAsync(campaignId, apiKey), shown);
        Assert.Equal(recipients, shown["plan"]);
        // The execution history shows both runs as they ended.
        await Assertions.Expect(page.Locator("[data-run-outcome=\"Finished\"]")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("[data-run-outcome=\"Paused\"]")).ToHaveCountAsync(1);
        Assert.True(await page.EvaluateAsync<bool>("window.tritonNoReload === true"), "the page reloaded while sending");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumBrowser.ScreenshotDirectory, "campaign-finished.png"), FullPage = true });

        // Stop asks first and says what stopping costs; Cancel changes nothing, confirming resets the campaign.
        var dialog = page.Locator(".mud-dialog");
        await Button(page, "Stop").ClickAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("Stop forgets who received this campaign: the next Run sends to everyone again");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        Assert.Equal("Finished", await state.GetAttributeAsync("data-campaign-state"));
        await Button(page, "Stop").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
        await Assertions.Expect(state).ToHaveAttributeAsync("data-campaign-state", "Idle", new() { Timeout = 15_000 });
        await Assertions.Expect(sent).ToHaveTextAsync("0", new() { Timeout = 10_000 });
        await Assertions.Expect(Button(page, "Run")).ToBeEnabledAsync();
        Assert.True(await page.EvaluateAsync<bool>("window.tritonNoReload === true"), "the page reloaded");
    }

    private static ILocator Button(IPage page, string name) =>
        page.Locator("[data-campaign-page]").GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    private async Task<string> CreateApiKeyAsync()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TritonDbContext>();
        var key = ApiKeySecrets.Generate();
        db.ApiKeys.Add(new ApiKey { Name = "live progress test", Prefix = ApiKeySecrets.Prefix(key), Hash = ApiKeySecrets.Hash(key), CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return key;
    }

    private static async Task<Dictionary<string, long>> ReadCountersAsync(IPage page)
    {
        var values = new Dictionary<string, long>();
        foreach (var name in Counters)
            values[name] = long.Parse(await page.Locator($"[data-progress=\"{name}\"]").InnerTextAsync());
        return values;
    }

    private async Task<Dictionary<string, long>> ApiCountersAsync(int campaignId, string apiKey)
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var body = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaignId}");
        var progress = body.GetProperty("progress");
        return Counters.ToDictionary(name => name, name => progress.GetProperty(name).GetInt64());
    }
}
