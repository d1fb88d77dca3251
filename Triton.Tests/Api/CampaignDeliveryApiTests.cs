using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Domain;

namespace Triton.Tests.Api;

public sealed class CampaignDeliveryApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient client = factory.Client();

    /// <summary>A campaign in generation 2 with deliveries in both generations.</summary>
    private async Task<int> SeedAsync(string name)
    {
        var (template, list, transport) = await factory.SeedCampaignPartsAsync(name);
        return await factory.WithDbAsync(async db =>
        {
            var campaign = new Campaign { Name = name, TemplateId = template, ListId = list, TransportId = transport, FromAddress = "a@example.org", Subjects = ["s"], Generation = 2 };
            db.Campaigns.Add(campaign);
            var recipients = Enumerable.Range(0, 8).Select(i =>
            {
                var email = i < 3 ? $"user{i}@Gmail.com" : i < 5 ? $"user{i}@yahoo.com" : $"user{i}@example.org";
                return new Recipient { ListId = list, Email = email, EmailKey = email.ToLowerInvariant() };
            }).ToList();
            db.Recipients.AddRange(recipients);
            await db.SaveChangesAsync();
            DeliveryStatus[] statuses = [DeliveryStatus.Failed, DeliveryStatus.Bounced, DeliveryStatus.Failed, DeliveryStatus.Bounced, DeliveryStatus.Sent, DeliveryStatus.Sent, DeliveryStatus.Skipped, DeliveryStatus.Queued];
            int?[] codes = [421, 550, 421, 550, 250, 250, null, null];
            for (var i = 0; i < recipients.Count; i++)
                db.Deliveries.Add(new Delivery
                {
                    CampaignId = campaign.Id, Generation = 2, RecipientId = recipients[i].Id, Email = recipients[i].Email,
                    Status = statuses[i], ReplyCode = codes[i], Attempts = i % 3, LastReply = codes[i] is null ? null : $"{codes[i]} reply, with comma",
                    UpdatedAt = 1_700_000_000_000 + i,
                });
            // The old generation is forgotten: it must not show.
            db.Deliveries.Add(new Delivery { CampaignId = campaign.Id, Generation = 1, RecipientId = recipients[0].Id, Email = "old@old.example", Status = DeliveryStatus.Failed, ReplyCode = 554 });
            await db.SaveChangesAsync();
            return campaign.Id;
        });
    }

    [Fact]
    public async Task Json_pages_of_the_current_generation()
    {
        var id = await SeedAsync("deliv-pages");
        var first = await (await client.GetAsync($"/api/campaigns/{id}/deliveries?page=1&pageSize=3")).ReadJsonAsync();
        Assert.Equal(8, first.GetProperty("total").GetInt64());
        Assert.Equal(3, first.GetProperty("items").GetArrayLength());
        var item = first.GetProperty("items")[0];
        Assert.Equal("user0@Gmail.com", item.GetProperty("email").GetString());
        Assert.Equal("Failed", item.GetProperty("status").GetString());
        Assert.Equal(421, item.GetProperty("replyCode").GetInt32());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), item.GetProperty("updatedAt").GetDateTimeOffset());

        var last = await (await client.GetAsync($"/api/campaigns/{id}/deliveries?page=3&pageSize=3")).ReadJsonAsync();
        Assert.Equal(2, last.GetProperty("items").GetArrayLength());

        var bounced = await (await client.GetAsync($"/api/campaigns/{id}/deliveries?status=bounced")).ReadJsonAsync();
        Assert.Equal(2, bounced.GetProperty("total").GetInt64());
        Assert.All(bounced.GetProperty("items").EnumerateArray(), d => Assert.Equal("Bounced", d.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Csv_streams_the_whole_filtered_set()
    {
        var id = await SeedAsync("deliv-csv");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/campaigns/{id}/deliveries?status=failed");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("email,status,attempts,lastReply,replyCode,updatedAt", lines[0]);
        Assert.Equal(3, lines.Count);
        Assert.StartsWith("user0@Gmail.com,Failed,0,\"421 reply, with comma\",421,", lines[1]);
    }

    [Fact]
    public async Task Failure_breakdown_groups_the_current_generation_by_code_and_domain()
    {
        var id = await SeedAsync("deliv-breakdown");
        var failures = (await (await client.GetAsync($"/api/campaigns/{id}")).ReadJsonAsync()).GetProperty("failures");
        var codes = failures.GetProperty("byReplyCode").EnumerateArray().ToDictionary(c => c.GetProperty("code").GetInt32(), c => c.GetProperty("count").GetInt64());
        Assert.Equal(new Dictionary<int, long> { [421] = 2, [550] = 2 }, codes);
        var domains = failures.GetProperty("byDomain").EnumerateArray().ToDictionary(c => c.GetProperty("domain").GetString()!, c => c.GetProperty("count").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["gmail.com"] = 3, ["yahoo.com"] = 1 }, domains);
    }

    [Theory]
    [InlineData("status=lost", "status")]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=100000", "pageSize")]
    [InlineData("page=abc", "page")]
    public async Task Bad_query_answers_400(string query, string? field)
    {
        var id = await SeedAsync("deliv-bad-" + Guid.NewGuid().ToString("N")[..6]);
        var response = await client.GetAsync($"/api/campaigns/{id}/deliveries?{query}");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Unknown_campaign_answers_404()
    {
        await (await client.GetAsync("/api/campaigns/99999/deliveries")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync("/api/campaigns/1/deliveries")).StatusCode);
    }
}
