using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Tracking;
using Triton.Tests.Sending;

namespace Triton.Tests.Tracking;

/// <summary>
/// A campaign with a tracking category sent through the pickup transport: the .eml carries the pixel
/// and rewritten links; fetching them over HTTP from the real app records opens and clicks once the
/// writer's batch is in; the stats API answers the counts.
/// </summary>
public abstract partial class TrackingEndToEndTests(DatabaseProvider provider)
{
    private const string PublicUrl = "https://mail.example.test";
    private const string Human = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Thunderbird/128.0";

    private const string Body = """
        <html><body><p>Hello {{first_name}}</p>
        <a class="x" href="https://example.org/a?x=1&amp;y=2">Read</a>
        <a href='mailto:team@example.org'>Write</a> <a href="#top">Top</a>
        <a href="https://mail.example.test/u/opaque">Unsubscribe</a>
        </body></html>
        """;

    private async Task<(EngineScenario Scenario, int CampaignId, int CategoryId)> SendCampaignAsync(bool tracking = true)
    {
        var scenario = await EngineScenario.StartAsync(provider, new()
        {
            ["Triton:PublicUrl"] = PublicUrl,
            // The fetches below come right after sending: the timing rule would call every one a machine's.
            ["Tracking:MachineWindowSeconds"] = "0",
            ["Tracking:FlushMilliseconds"] = "20",
        });
        using var api = scenario.CreateApiClient();
        var created = await api.PostAsJsonAsync("/api/categories", new { name = "News", description = "The newsletter" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var categoryId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(2), configure: c =>
        {
            c.TrackingCategoryId = categoryId;
            c.TrackingEnabled = tracking;
        });
        await using (var db = scenario.Database.CreateContext())
        {
            var campaign = await db.Campaigns.SingleAsync(c => c.Id == id);
            await db.Templates.Where(t => t.Id == campaign.TemplateId).ExecuteUpdateAsync(s => s.SetProperty(t => t.Body, Body));
        }
        Assert.Equal(Triton.Core.Campaigns.CommandStatus.Done, (await scenario.Commands.RunAsync(id, CancellationToken.None)).Status);
        await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished && c.Progress.Sent == 2);
        return (scenario, id, categoryId);
    }

    private static MimeMessage Message(EngineScenario scenario, string to) =>
        Directory.EnumerateFiles(scenario.PickupDirectory, "*.eml").Select(f => MimeMessage.Load(f))
            .Single(m => m.To.Mailboxes.Single().Address == to);

    [GeneratedRegex("https://mail\\.example\\.test/t/o/([A-Za-z0-9_-]+)\\.gif")]
    private static partial Regex PixelPattern();

    [GeneratedRegex("href=\"(https://mail\\.example\\.test/t/c/[A-Za-z0-9_-]+)\"")]
    private static partial Regex ClickPattern();

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string url, string userAgent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url).PathAndQuery);
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Opens_and_clicks_of_a_sent_campaign_are_recorded_and_counted()
    {
        var (scenario, id, categoryId) = await SendCampaignAsync();
        await using var _ = scenario;
        var message = Message(scenario, "user0@example.test");
        var html = message.HtmlBody!;

        // The pixel sits before </body>, the http link goes through Triton; mailto, # and unsubscribe stay.
        var pixel = PixelPattern().Match(html);
        Assert.True(pixel.Success, html);
        Assert.True(pixel.Index < html.IndexOf("</body>", StringComparison.Ordinal), html);
        var click = ClickPattern().Match(html);
        Assert.True(click.Success, html);
        Assert.Contains("class=\"x\" href=\"https://mail.example.test/t/c/", html);
        Assert.DoesNotContain("https://example.org/a", html);
        Assert.Contains("href='mailto:team@example.org'", html);
        Assert.Contains("href=\"#top\"", html);
        Assert.Contains("href=\"https://mail.example.test/u/opaque\"", html);
        // The text part keeps the link readable.
        Assert.Contains("https://example.org/a?x=1&y=2", message.TextBody);

        using var client = scenario.CreateClientWithoutRedirects();
        var open = await GetAsync(client, pixel.Value, Human);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal("image/gif", open.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", open.Headers.CacheControl?.ToString());
        Assert.Equal("GIF89a", System.Text.Encoding.ASCII.GetString((await open.Content.ReadAsByteArrayAsync())[..6]));
        await GetAsync(client, pixel.Value, Human);
        // Apple Mail Privacy Protection's proxy and a link scanner count apart.
        await GetAsync(client, pixel.Value, "Mozilla/5.0");
        var redirected = await GetAsync(client, click.Groups[1].Value, Human);
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.Equal("https://example.org/a?x=1&y=2", redirected.Headers.Location?.ToString());
        var scanned = await GetAsync(client, click.Groups[1].Value, "Barracuda Sentinel (EE)");
        Assert.Equal(HttpStatusCode.Redirect, scanned.StatusCode);

        // A tampered token records nothing: the pixel still answers its GIF, the click 404.
        var token = click.Groups[1].Value;
        var tampered = token[..^3] + (token[^3] == 'A' ? 'B' : 'A') + token[^2..];
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, tampered, Human)).StatusCode);
        var pixelToken = pixel.Value;
        var tamperedPixel = pixelToken.Replace("/t/o/", "/t/o/A");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, tamperedPixel, Human)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, PublicUrl + "/t/c/not-a-token", Human)).StatusCode);

        await scenario.Services.GetRequiredService<TrackingRecorder>().FlushAsync(CancellationToken.None);

        using var api = scenario.CreateApiClient();
        var stats = await api.GetFromJsonAsync<JsonElement>("/api/stats?category=News");
        var totals = stats.GetProperty("totals");
        Assert.Equal(2, totals.GetProperty("sent").GetInt64());
        Assert.Equal(2, totals.GetProperty("opens").GetInt64());
        Assert.Equal(1, totals.GetProperty("uniqueOpens").GetInt64());
        Assert.Equal(1, totals.GetProperty("machineOpens").GetInt64());
        Assert.Equal(1, totals.GetProperty("clicks").GetInt64());
        Assert.Equal(1, totals.GetProperty("uniqueClicks").GetInt64());
        Assert.Equal(1, totals.GetProperty("machineClicks").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, stats.GetProperty("lastSentAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, stats.GetProperty("lastOpenedAt").ValueKind);

        // One user's history: user0 opened, user1 only received.
        var opener = (await api.GetFromJsonAsync<JsonElement>($"/api/stats?category={categoryId}&userId=u0")).GetProperty("totals");
        Assert.Equal(1, opener.GetProperty("sent").GetInt64());
        Assert.Equal(1, opener.GetProperty("uniqueOpens").GetInt64());
        var other = await api.GetFromJsonAsync<JsonElement>("/api/stats?userId=u1");
        Assert.Equal(1, other.GetProperty("totals").GetProperty("sent").GetInt64());
        Assert.Equal(0, other.GetProperty("totals").GetProperty("opens").GetInt64());
        Assert.Equal(JsonValueKind.Null, other.GetProperty("lastOpenedAt").ValueKind);

        var perCampaign = await api.GetFromJsonAsync<JsonElement>($"/api/stats/campaigns/{id}");
        Assert.Equal(2, perCampaign.GetProperty("totals").GetProperty("sent").GetInt64());
        Assert.Equal(1, perCampaign.GetProperty("totals").GetProperty("uniqueOpens").GetInt64());
        var link = Assert.Single(perCampaign.GetProperty("topLinks").EnumerateArray());
        Assert.Equal("https://example.org/a?x=1&y=2", link.GetProperty("url").GetString());
        Assert.Equal(1, link.GetProperty("clicks").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/stats/campaigns/987654")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/stats?category=Nothing")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/stats?from=2026-02-01&to=2026-01-01")).StatusCode);

        // Still in use by the campaign: the category cannot go.
        var delete = await api.DeleteAsync($"/api/categories/{categoryId}");
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
    }

    [Fact]
    public async Task A_transactional_message_is_tracked_and_its_send_counted_for_its_trigger()
    {
        await using var scenario = await EngineScenario.StartAsync(provider, new()
        {
            ["Triton:PublicUrl"] = PublicUrl,
            ["Tracking:MachineWindowSeconds"] = "0",
            ["Tracking:FlushMilliseconds"] = "20",
        });
        using var api = scenario.CreateApiClient();
        async Task<int> CreateAsync(string path, object body)
        {
            var response = await api.PostAsJsonAsync(path, body);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        }
        var category = await CreateAsync("/api/categories", new { name = "Receipts" });
        var template = await CreateAsync("/api/templates", new { name = "Receipt", body = "<p>Order {{order}} <img src=\"{{trackingPixelUrl}}\" alt=\"\"></p>" });
        var transport = await CreateAsync("/api/transports", new { name = "Pickup", kind = "pickup", pickupDirectory = "pickup" });
        await CreateAsync("/api/contracts", new { name = "Ordered", variables = new object[] { new { name = "order", testValue = "1" } } });
        var trigger = await CreateAsync("/api/triggers", new
        {
            name = "Receipt mail", @event = "Ordered", templateId = template, transportId = transport, subjects = new[] { "Order {{order}}" },
            fromAddress = "shop@example.com", active = true, trackingCategoryId = category,
        });
        var posted = await api.PostAsJsonAsync("/api/events/Ordered", new { recipient = new { email = "ada@example.com", user_id = "ada" }, variables = new { order = "77" } });
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var messageId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageId").GetString();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await api.GetFromJsonAsync<JsonElement>($"/api/messages/{messageId}")).GetProperty("status").GetString() != "sent")
        {
            Assert.True(DateTime.UtcNow < deadline, "the message was not sent");
            await Task.Delay(25);
        }

        // The template placed the pixel itself: exactly one, where the author put it.
        var html = Message(scenario, "ada@example.com").HtmlBody!;
        var pixels = PixelPattern().Matches(html);
        var pixel = Assert.Single(pixels);
        Assert.Contains("<p>Order 77 <img src=\"" + pixel.Value, html);
        using var client = scenario.CreateClientWithoutRedirects();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, pixel.Value, Human)).StatusCode);
        await scenario.Services.GetRequiredService<TrackingRecorder>().FlushAsync(CancellationToken.None);

        var stats = await api.GetFromJsonAsync<JsonElement>($"/api/stats/triggers/{trigger}");
        Assert.Equal(1, stats.GetProperty("totals").GetProperty("sent").GetInt64());
        Assert.Equal(1, stats.GetProperty("totals").GetProperty("uniqueOpens").GetInt64());
        var byUser = await api.GetFromJsonAsync<JsonElement>("/api/stats?category=Receipts&userId=ada");
        Assert.Equal(1, byUser.GetProperty("totals").GetProperty("sent").GetInt64());
        Assert.Equal(1, byUser.GetProperty("totals").GetProperty("opens").GetInt64());
    }

    [Fact]
    public async Task A_campaign_with_tracking_off_has_no_pixel_and_its_links_stay_but_its_sends_count()
    {
        var (scenario, _, _) = await SendCampaignAsync(tracking: false);
        await using var __ = scenario;
        var html = Message(scenario, "user1@example.test").HtmlBody!;
        Assert.DoesNotContain("/t/o/", html);
        Assert.Contains("href=\"https://example.org/a?x=1&amp;y=2\"", html);
        using var api = scenario.CreateApiClient();
        var stats = await api.GetFromJsonAsync<JsonElement>("/api/stats?category=News");
        Assert.Equal(2, stats.GetProperty("totals").GetProperty("sent").GetInt64());
    }
}

public sealed class SqliteTrackingEndToEndTests() : TrackingEndToEndTests(DatabaseProvider.Sqlite);

[Collection("postgres")]
public sealed class PostgresTrackingEndToEndTests() : TrackingEndToEndTests(DatabaseProvider.Postgres);
