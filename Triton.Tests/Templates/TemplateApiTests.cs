using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Tests.Lists;

namespace Triton.Tests.Templates;

public sealed class TemplateApiTests : IAsyncLifetime
{
    /// <summary>Records what the test-send endpoint hands to the transport (the SMTP transport is built elsewhere).</summary>
    private sealed class RecordingTransports : IMailTransports, IMailTransport
    {
        public ConcurrentQueue<(Transport Transport, OutgoingMessage Message)> Sent { get; } = new();
        private Transport? _transport;
        public IMailTransport For(Transport transport) { _transport = transport; return this; }
        public Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
        {
            Sent.Enqueue((_transport!, message));
            return Task.FromResult(SendResult.Accepted("250 ok", 250));
        }
    }

    private readonly RecordingTransports _transports = new();
    private readonly ContentApi _api;

    public TemplateApiTests() => _api = new ContentApi(services => services.AddSingleton<IMailTransports>(_transports));

    public Task InitializeAsync() => _api.InitializeAsync();
    public Task DisposeAsync() => _api.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Body)> SaveAsync(object template, int? id = null)
    {
        var response = id is null
            ? await _api.Client.PostAsJsonAsync("/api/templates", template)
            : await _api.Client.PutAsJsonAsync($"/api/templates/{id}", template);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task Saving_a_broken_template_is_refused_with_line_and_column()
    {
        var (status, problem) = await SaveAsync(new { name = "broken", body = "<p>Hello</p>\n<p>{{#if vip}}VIP</p>\n  {{/each}}" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(3, problem.GetProperty("line").GetInt32());
        Assert.Equal(3, problem.GetProperty("column").GetInt32());
        Assert.StartsWith("Line 3, column 3", problem.GetProperty("errors").GetProperty("body")[0].GetString());
    }

    [Fact]
    public async Task A_body_or_text_body_over_512_KB_is_refused_naming_the_field_and_nothing_is_saved()
    {
        var tooLarge = "<p>" + new string('x', 512 * 1024) + "</p>";
        var (status, problem) = await SaveAsync(new { name = "huge", body = tooLarge });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("512 KB", problem.GetProperty("errors").GetProperty("body")[0].GetString());

        var (textStatus, textProblem) = await SaveAsync(new { name = "huge-text", body = "<p>ok</p>", textBody = tooLarge });
        Assert.Equal(HttpStatusCode.BadRequest, textStatus);
        Assert.Contains("512 KB", textProblem.GetProperty("errors").GetProperty("textBody")[0].GetString());

        var (created, template) = await SaveAsync(new { name = "grows", body = "<p>small</p>" });
        Assert.Equal(HttpStatusCode.Created, created);
        var id = template.GetProperty("id").GetInt32();
        var (updated, _) = await SaveAsync(new { name = "grows", body = tooLarge }, id);
        Assert.Equal(HttpStatusCode.BadRequest, updated);

        // Exactly at the limit is fine.
        var (atLimit, _) = await SaveAsync(new { name = "at-limit", body = new string('y', 512 * 1024) });
        Assert.Equal(HttpStatusCode.Created, atLimit);
        Assert.Equal(["<p>small</p>", new string('y', 512 * 1024)],
            await _api.WithDbAsync(db => Task.FromResult(db.Templates.OrderBy(t => t.Id).Select(t => t.Body).ToList())));
    }

    [Fact]
    public async Task Missing_partials_and_cycles_are_refused_and_versions_move_on_save()
    {
        var (missing, missingProblem) = await SaveAsync(new { name = "page", body = "{{> footer}}" });
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Contains("footer", missingProblem.GetProperty("errors").GetProperty("body")[0].GetString());

        var (created, footer) = await SaveAsync(new { name = "footer", body = "<footer>bye</footer>" });
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(1, footer.GetProperty("version").GetInt32());
        var (_, page) = await SaveAsync(new { name = "page", body = "<p>hi</p>{{> footer}}" });
        var footerId = footer.GetProperty("id").GetInt32();

        var (cycle, cycleProblem) = await SaveAsync(new { name = "footer", body = "{{> page}}" }, footerId);
        Assert.Equal(HttpStatusCode.BadRequest, cycle);
        Assert.Contains("cycle", cycleProblem.GetProperty("errors").GetProperty("body")[0].GetString());

        var (updated, footer2) = await SaveAsync(new { name = "footer", body = "<footer>ciao</footer>", inlineCss = false }, footerId);
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.Equal(2, footer2.GetProperty("version").GetInt32());
        Assert.False(footer2.GetProperty("inlineCss").GetBoolean());

        Assert.Equal(HttpStatusCode.Conflict, (await _api.Client.DeleteAsync($"/api/templates/{footerId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Client.DeleteAsync($"/api/templates/{page.GetProperty("id").GetInt32()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Client.DeleteAsync($"/api/templates/{footerId}")).StatusCode);
    }

    private async Task<int> CampaignAsync(int templateId, int listId, params string[] subjects) =>
        await _api.WithDbAsync(async db =>
        {
            var transport = new Transport { Name = "pickup", Kind = TransportKind.Pickup, PickupDirectory = "template-test-pickup" };
            var category = new TrackingCategory { Name = "News" };
            db.AddRange(transport, category);
            await db.SaveChangesAsync();
            var campaign = new Campaign
            {
                Name = "Spring", TemplateId = templateId, ListId = listId, TransportId = transport.Id, TrackingCategoryId = category.Id,
                Subjects = [.. subjects], SubjectMode = SubjectMode.Static, FromAddress = "news@example.com", FromName = "News",
                CustomVariables = """{"shop":"Acme","items":[{"sku":"A"},{"sku":"B"}]}""",
                CustomHeaders = new() { ["X-Campaign"] = "spring" },
            };
            db.Campaigns.Add(campaign);
            await db.SaveChangesAsync();
            return campaign.Id;
        });

    [Fact]
    public async Task Preview_and_test_send_render_like_the_engine_with_overrides()
    {
        await SaveAsync(new { name = "layout", body = "<style>p { color: red }</style><div>{{> @partial-block}}</div>" });
        var (_, template) = await SaveAsync(new { name = "mail", body = "{{#> layout}}<p>Hi {{first_name}} from {{shop}} ({{tracking_category_name}}): {{#each items}}{{sku}}{{/each}}</p>{{/layout}}" });
        var list = await _api.Client.PostAsJsonAsync("/api/lists", new { name = "L", columns = new[] { "first_name" } });
        var listId = (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        await _api.Client.PostAsJsonAsync($"/api/lists/{listId}/recipients", new[] { new { email = "ann@example.com", first_name = "Ann" } });
        var campaignId = await CampaignAsync(template.GetProperty("id").GetInt32(), listId, "News for {{first_name}} & co");

        var preview = await _api.Client.PostAsJsonAsync($"/api/campaigns/{campaignId}/preview", new { });
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var rendered = await preview.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("News for Ann & co", rendered.GetProperty("subject").GetString());
        Assert.Equal("<div><p style=\"color: rgba(255, 0, 0, 1)\">Hi Ann from Acme (News): AB</p></div>", rendered.GetProperty("html").GetString());
        Assert.Equal("Hi Ann from Acme (News): AB", rendered.GetProperty("text").GetString());

        var overridden = await _api.Client.PostAsJsonAsync($"/api/campaigns/{campaignId}/preview",
            new { variables = new { shop = "Zed", items = new[] { new { sku = "Q" } } }, asRecipient = new { email = "bo@example.com", first_name = "Bo" } });
        var other = await overridden.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("News for Bo & co", other.GetProperty("subject").GetString());
        Assert.Contains("Hi Bo from Zed (News): Q", other.GetProperty("html").GetString());

        await _api.Client.PostAsJsonAsync($"/api/lists/{listId}/recipients", new[] { new { email = "cy@example.com", first_name = "Cy" } });
        var cy = (await (await _api.Client.GetAsync($"/api/lists/{listId}/recipients?search=cy@")).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("items")[0].GetProperty("id").GetInt64();
        var byId = await (await _api.Client.PostAsJsonAsync($"/api/campaigns/{campaignId}/preview", new { recipientId = cy })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("News for Cy & co", byId.GetProperty("subject").GetString());
        var both = await _api.Client.PostAsJsonAsync($"/api/campaigns/{campaignId}/preview", new { recipientId = cy, asRecipient = new { email = "bo@example.com" } });
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.True((await both.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("recipientId", out _));

        var test = await _api.Client.PostAsJsonAsync($"/api/campaigns/{campaignId}/test", new { email = "qa@example.com", asRecipient = new { email = "bo@example.com", first_name = "Bo" } });
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        var (transport, message) = Assert.Single(_transports.Sent);
        Assert.Equal("pickup", transport.Name);
        Assert.Equal("qa@example.com", message.To.Address);
        Assert.Equal(new MailAddress("news@example.com", "News"), message.From);
        Assert.Equal("News for Bo & co", message.Subject);
        Assert.Equal([new KeyValuePair<string, string>("X-Campaign", "spring")], message.Headers);
    }

    [Fact]
    public async Task A_text_body_is_checked_on_save_and_becomes_the_plain_text_part_unescaped()
    {
        var (broken, problem) = await SaveAsync(new { name = "texted", body = "<p>Hi</p>", textBody = "Hi\n{{#if x}}never closed" });
        Assert.Equal(HttpStatusCode.BadRequest, broken);
        Assert.StartsWith("Line ", problem.GetProperty("errors").GetProperty("textBody")[0].GetString());

        var (created, template) = await SaveAsync(new { name = "texted", body = "<p>Hi {{first_name}}</p>", textBody = "Hi {{first_name}} & {{shop}}" });
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("Hi {{first_name}} & {{shop}}", template.GetProperty("textBody").GetString());
        var list = await _api.Client.PostAsJsonAsync("/api/lists", new { name = "T", columns = new[] { "first_name" } });
        var listId = (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        await _api.Client.PostAsJsonAsync($"/api/lists/{listId}/recipients", new[] { new { email = "tom@example.com", first_name = "Tom <3" } });
        var campaignId = await CampaignAsync(template.GetProperty("id").GetInt32(), listId, "Hello");

        var rendered = await (await _api.Client.PostAsJsonAsync($"/api/campaigns/{campaignId}/preview", new { })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("<p>Hi Tom &lt;3</p>", rendered.GetProperty("html").GetString());
        Assert.Equal("Hi Tom <3 & Acme", rendered.GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _api.Client.PostAsJsonAsync($"/api/campaigns/{campaignId}/test", new { email = "qa@example.com" })).StatusCode);
        Assert.Equal("Hi Tom <3 & Acme", Assert.Single(_transports.Sent).Message.Text);

        // Clearing it derives the text from the HTML again.
        var (updated, _) = await SaveAsync(new { name = "texted", body = "<p>Hi {{first_name}}</p>" }, template.GetProperty("id").GetInt32());
        Assert.Equal(HttpStatusCode.OK, updated);
        var derived = await (await _api.Client.PostAsJsonAsync($"/api/campaigns/{campaignId}/preview", new { })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Hi Tom <3", derived.GetProperty("text").GetString());

        // The preview shows the text part the message is sent with: links keep their address.
        await SaveAsync(new { name = "texted", body = "<p>Read <a href=\"https://x.test/a\">this</a>.</p>" }, template.GetProperty("id").GetInt32());
        var linked = await (await _api.Client.PostAsJsonAsync($"/api/campaigns/{campaignId}/preview", new { })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Read this (https://x.test/a).", linked.GetProperty("text").GetString());
        Assert.Equal(Triton.Core.Mail.Mime.HtmlToText.Convert("<p>Read <a href=\"https://x.test/a\">this</a>.</p>"), linked.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Preview_reports_a_render_failure()
    {
        var (_, template) = await SaveAsync(new { name = "dated", body = "{{formatDate when \"yyyy\"}}" });
        var list = await _api.Client.PostAsJsonAsync("/api/lists", new { name = "L" });
        var listId = (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var campaignId = await CampaignAsync(template.GetProperty("id").GetInt32(), listId, "s");
        var preview = await _api.Client.PostAsJsonAsync($"/api/campaigns/{campaignId}/preview", new { variables = new { when = "soon" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, preview.StatusCode);
        Assert.Contains("soon", (await preview.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_compile_cache_holds_until_the_template_or_a_partial_is_saved()
    {
        var (_, footer) = await SaveAsync(new { name = "foot", body = "one" });
        var (_, page) = await SaveAsync(new { name = "page2", body = "{{> foot}}" });
        var cache = _api.Services.GetRequiredService<Triton.Core.Templates.TemplateCache>();
        var pageId = page.GetProperty("id").GetInt32();
        var first = await _api.WithDbAsync(db => cache.GetAsync(db, pageId, default));
        Assert.Same(first, await _api.WithDbAsync(db => cache.GetAsync(db, pageId, default)));

        await SaveAsync(new { name = "foot", body = "two" }, footer.GetProperty("id").GetInt32());
        var second = await _api.WithDbAsync(db => cache.GetAsync(db, pageId, default));
        Assert.NotSame(first, second);
        Assert.Equal("two", second.Render(new Dictionary<string, object?>()));
    }
}
