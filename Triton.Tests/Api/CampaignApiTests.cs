using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Campaigns;
using Triton.Core.Domain;

namespace Triton.Tests.Api;

public sealed class CampaignApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient client = factory.Client();

    private Task<int> CountAsync() => factory.WithDbAsync(db => db.Campaigns.CountAsync());

    private Task<Campaign> RowAsync(int id) => factory.WithDbAsync(db => db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id));

    private async Task<Dictionary<string, object?>> ValidAsync(string name)
    {
        var (template, list, transport) = await factory.SeedCampaignPartsAsync(name);
        return new Dictionary<string, object?>
        {
            ["name"] = name, ["templateId"] = template, ["listId"] = list, ["transportId"] = transport,
            ["subjects"] = new[] { "Hello", "Hi there" }, ["subjectMode"] = "sequential",
            ["fromAddress"] = "news@example.org", ["fromName"] = "Example News",
        };
    }

    private async Task<int> CreateAsync(Dictionary<string, object?> body)
    {
        var response = await client.PostAsync("/api/campaigns", Problems.Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
    }

    [Fact]
    public async Task Every_field_round_trips()
    {
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/groups", Problems.Json(new { name = "Promos", scope = "campaign" }))).StatusCode);
        var category = await factory.WithDbAsync(async db =>
        {
            var c = new TrackingCategory { Name = "promo-cat" };
            db.TrackingCategories.Add(c);
            await db.SaveChangesAsync();
            return c.Id;
        });
        var body = await ValidAsync("full");
        body["scheduleAt"] = "2030-01-02T03:04:05+00:00";
        body["customHeaders"] = new Dictionary<string, string> { ["X-Campaign"] = "full", ["List-Id"] = "<news.example.org>" };
        body["customVariables"] = new Dictionary<string, object> { ["coupon"] = "ABC", ["n"] = 3, ["nested"] = new { a = new[] { 1, 2 } } };
        body["trackingCategoryId"] = category;
        body["group"] = "Promos";
        body["description"] = "Spring promotion";
        body["concurrency"] = 32;
        body["maxStartDelayMinutes"] = 30;
        var id = await CreateAsync(body);

        var read = await (await client.GetAsync($"/api/campaigns/{id}")).ReadJsonAsync();
        Assert.Equal("full", read.GetProperty("name").GetString());
        Assert.Equal(["Hello", "Hi there"], read.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("sequential", read.GetProperty("subjectMode").GetString());
        Assert.Equal("Example News", read.GetProperty("fromName").GetString());
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), read.GetProperty("scheduleAt").GetDateTimeOffset());
        Assert.Equal("full", read.GetProperty("customHeaders").GetProperty("X-Campaign").GetString());
        Assert.Equal(2, read.GetProperty("customVariables").GetProperty("nested").GetProperty("a")[1].GetInt32());
        Assert.Equal(category, read.GetProperty("trackingCategoryId").GetInt32());
        Assert.Equal("Promos", read.GetProperty("group").GetString());
        Assert.Equal(32, read.GetProperty("concurrency").GetInt32());
        Assert.Equal(30, read.GetProperty("maxStartDelayMinutes").GetInt32());
        Assert.Equal("Idle", read.GetProperty("state").GetString());
        Assert.Equal(1, read.GetProperty("generation").GetInt32());
        Assert.Equal(0, read.GetProperty("progress").GetProperty("plan").GetInt64());
        Assert.Equal(0, read.GetProperty("progress").GetProperty("inFlight").GetInt32());
        Assert.Equal(JsonValueKind.Null, read.GetProperty("progress").GetProperty("etaSeconds").ValueKind);

        var row = await RowAsync(id);
        using (var stored = JsonDocument.Parse(row.CustomVariables))
            Assert.Equal("ABC", stored.RootElement.GetProperty("coupon").GetString());
        Assert.Contains(id, factory.Scheduler.Changed);

        var list = await (await client.GetAsync("/api/campaigns?group=Promos")).ReadJsonAsync();
        Assert.Equal(id, Assert.Single(list.EnumerateArray()).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Defaults_apply_when_optional_fields_are_omitted()
    {
        var id = await CreateAsync(await ValidAsync("defaults"));
        var row = await RowAsync(id);
        Assert.Equal(16, row.Concurrency);
        Assert.Null(row.MaxStartDelayMinutes);
        Assert.Equal("{}", row.CustomVariables);
        Assert.Empty(row.CustomHeaders);
        Assert.DoesNotContain(id, factory.Scheduler.Changed);
    }

    public static TheoryData<string, object?, string> BadFields => new()
    {
        { "name", null, "name" },
        { "name", 5, "name" },
        { "templateId", 999999, "templateId" },
        { "templateId", "one", "templateId" },
        { "listId", 999999, "listId" },
        { "listId", null, "listId" },
        { "transportId", 999999, "transportId" },
        { "trackingCategoryId", 999999, "trackingCategoryId" },
        { "subjects", Array.Empty<string>(), "subjects" },
        { "subjects", null, "subjects" },
        { "subjects", "not an array", "subjects" },
        { "subjects", new[] { "ok", "" }, "subjects[1]" },
        { "subjectMode", "shuffle", "subjectMode" },
        { "fromAddress", "not-an-address", "fromAddress" },
        { "fromAddress", "a@example.org\r\nBcc: x@evil.org", "fromAddress" },
        { "fromName", "Evil\r\nBcc: x@evil.org", "fromName" },
        { "scheduleAt", "next tuesday", "scheduleAt" },
        { "customHeaders", new Dictionary<string, string> { ["Subject"] = "x" }, "customHeaders['Subject']" },
        { "customHeaders", new Dictionary<string, string> { ["Content-Type"] = "text/plain" }, "customHeaders['Content-Type']" },
        { "customHeaders", new Dictionary<string, string> { ["Bad Name"] = "x" }, "customHeaders['Bad Name']" },
        { "customHeaders", new Dictionary<string, string> { ["X-Ok"] = "a\r\nBcc: x@evil.org" }, "customHeaders['X-Ok']" },
        { "customHeaders", new[] { "a" }, "customHeaders" },
        { "customVariables", new[] { 1, 2 }, "customVariables" },
        { "group", "no-such-group", "group" },
        { "concurrency", 0, "concurrency" },
        { "concurrency", 1001, "concurrency" },
        { "maxStartDelayMinutes", -1, "maxStartDelayMinutes" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task Bad_field_is_named_and_nothing_is_created(string field, object? value, string named)
    {
        var body = await ValidAsync("bad-" + Guid.NewGuid().ToString("N")[..8]);
        body[field] = value;
        var before = await CountAsync();
        var response = await client.PostAsync("/api/campaigns", Problems.Json(body));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, named);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Malformed_json_and_oversized_bodies_change_nothing()
    {
        var before = await CountAsync();
        await (await client.PostAsync("/api/campaigns", Problems.Json("{\"name\": \"x\","))).AssertProblemAsync(HttpStatusCode.BadRequest, "$");
        var body = await ValidAsync("huge");
        body["description"] = new string('d', 11 * 1024 * 1024);
        await (await client.PostAsync("/api/campaigns", Problems.Json(body))).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Duplicate_name_is_refused()
    {
        var body = await ValidAsync("dup-campaign");
        await CreateAsync(body);
        var before = await CountAsync();
        await (await client.PostAsync("/api/campaigns", Problems.Json(body))).AssertProblemAsync(HttpStatusCode.BadRequest, "name");
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Update_applies_whole_or_not_at_all_and_notifies_the_scheduler_on_schedule_change()
    {
        var body = await ValidAsync("upd");
        var id = await CreateAsync(body);

        body["fromName"] = "Changed";
        body["concurrency"] = 0;
        await (await client.PutAsync($"/api/campaigns/{id}", Problems.Json(body))).AssertProblemAsync(HttpStatusCode.BadRequest, "concurrency");
        var row = await RowAsync(id);
        Assert.Equal("Example News", row.FromName);
        Assert.Equal(16, row.Concurrency);

        body["concurrency"] = 4;
        var ok = await client.PutAsync($"/api/campaigns/{id}", Problems.Json(body));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("Changed", (await RowAsync(id)).FromName);
        Assert.DoesNotContain(id, factory.Scheduler.Changed);

        await factory.WithDbAsync(db => db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.ScheduleConsumed, true)));
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"/api/campaigns/{id}", Problems.Json(body))).StatusCode);
        Assert.True((await RowAsync(id)).ScheduleConsumed);

        body["scheduleAt"] = "2031-05-06T07:08:09Z";
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"/api/campaigns/{id}", Problems.Json(body))).StatusCode);
        Assert.False((await RowAsync(id)).ScheduleConsumed);
        Assert.Contains(id, factory.Scheduler.Changed);
        Assert.Equal(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero), (await RowAsync(id)).ScheduleAt);
    }

    [Theory]
    [InlineData(CampaignState.Running)]
    [InlineData(CampaignState.Pending)]
    public async Task Active_campaign_cannot_be_updated_or_deleted(CampaignState state)
    {
        var body = await ValidAsync("active-" + state);
        var id = await CreateAsync(body);
        await factory.WithDbAsync(db => db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.State, state)));

        body["fromName"] = "Changed";
        await (await client.PutAsync($"/api/campaigns/{id}", Problems.Json(body))).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Example News", (await RowAsync(id)).FromName);
        await (await client.DeleteAsync($"/api/campaigns/{id}")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.True(await factory.WithDbAsync(db => db.Campaigns.AnyAsync(c => c.Id == id)));
    }

    [Fact]
    public async Task Delete_removes_the_campaign_with_its_deliveries()
    {
        var id = await CreateAsync(await ValidAsync("to-delete"));
        await factory.WithDbAsync(async db =>
        {
            var list = (await RowAsync(id)).ListId;
            var recipient = new Recipient { ListId = list, Email = "a@example.org", EmailKey = "a@example.org" };
            db.Recipients.Add(recipient);
            await db.SaveChangesAsync();
            db.Deliveries.Add(new Delivery { CampaignId = id, Generation = 1, RecipientId = recipient.Id, Email = "a@example.org" });
            return await db.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/campaigns/{id}")).StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Campaigns.AnyAsync(c => c.Id == id)));
        Assert.False(await factory.WithDbAsync(db => db.Deliveries.AnyAsync(d => d.CampaignId == id)));
    }

    [Fact]
    public async Task Unknown_ids_answer_404()
    {
        await (await client.GetAsync("/api/campaigns/99999")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.PutAsync("/api/campaigns/99999", Problems.Json(await ValidAsync("ghost")))).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync("/api/campaigns/99999")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Live_figures_come_from_the_progress_feed()
    {
        var id = await CreateAsync(await ValidAsync("live"));
        factory.Feed.Publish(new CampaignProgressEvent(id, CampaignState.Running, null, 100, 100, 40, 0, 0, 0, 7, 12.5, TimeSpan.FromSeconds(5), DateTimeOffset.UtcNow));
        var progress = (await (await client.GetAsync($"/api/campaigns/{id}")).ReadJsonAsync()).GetProperty("progress");
        Assert.Equal(7, progress.GetProperty("inFlight").GetInt32());
        Assert.Equal(12.5, progress.GetProperty("ratePerSecond").GetDouble());
        Assert.Equal(5, progress.GetProperty("etaSeconds").GetDouble());
    }
}
