using System.Net;
using Triton.Core.Domain;

namespace Triton.Tests.Api;

/// <summary>Every paged API route answers 400 naming the parameter for pages it cannot serve, never 500.</summary>
public sealed class PagingApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient client = factory.Client();

    private async Task<(int Campaign, int List)> SeedAsync(string name)
    {
        var (template, list, transport) = await factory.SeedCampaignPartsAsync(name);
        var campaign = await factory.WithDbAsync(async db =>
        {
            var campaign = new Campaign { Name = name, TemplateId = template, ListId = list, TransportId = transport, FromAddress = "a@example.org", Subjects = ["s"] };
            db.Campaigns.Add(campaign);
            var recipient = new Recipient { ListId = list, Email = "pager@example.org", EmailKey = "pager@example.org" };
            db.Recipients.Add(recipient);
            await db.SaveChangesAsync();
            db.Deliveries.Add(new Delivery { CampaignId = campaign.Id, Generation = campaign.Generation, RecipientId = recipient.Id, Email = recipient.Email, Status = DeliveryStatus.Sent });
            await db.SaveChangesAsync();
            return campaign.Id;
        });
        return (campaign, list);
    }

    [Theory]
    [InlineData("page=2147483647&pageSize=500", "page")]
    [InlineData("page=4294969&pageSize=500", "page")]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=-5", "pageSize")]
    [InlineData("pageSize=501", "pageSize")]
    [InlineData("page=99999999999", "page")]
    public async Task Recipient_pages_that_cannot_be_served_answer_400_naming_the_parameter(string query, string field)
    {
        var (_, list) = await SeedAsync("page-recipients-" + Guid.NewGuid().ToString("N")[..8]);
        var response = await client.GetAsync($"/api/lists/{list}/recipients?{query}");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("page=2147483647&pageSize=1000", "page")]
    [InlineData("page=2147483647", "page")]
    [InlineData("page=-2147483648", "page")]
    [InlineData("pageSize=-1", "pageSize")]
    [InlineData("pageSize=1001", "pageSize")]
    public async Task Delivery_pages_that_cannot_be_served_answer_400_naming_the_parameter(string query, string field)
    {
        var (campaign, _) = await SeedAsync("page-deliveries-" + Guid.NewGuid().ToString("N")[..8]);
        var response = await client.GetAsync($"/api/campaigns/{campaign}/deliveries?{query}");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("page=2147483647&pageSize=500", "page")]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=501", "pageSize")]
    public async Task Message_log_pages_that_cannot_be_served_answer_400_naming_the_parameter(string query, string field)
    {
        var response = await client.GetAsync($"/api/messages?{query}");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task The_last_page_that_fits_is_served_empty()
    {
        var (campaign, list) = await SeedAsync("page-edge");
        // (page - 1) * pageSize = 2,147,483,500 and 2,147,483,000: within range, past every row.
        var recipients = await client.GetAsync($"/api/lists/{list}/recipients?page=4294968&pageSize=500");
        Assert.Equal(HttpStatusCode.OK, recipients.StatusCode);
        Assert.Equal(0, (await recipients.ReadJsonAsync()).GetProperty("items").GetArrayLength());
        var deliveries = await client.GetAsync($"/api/campaigns/{campaign}/deliveries?page=2147484&pageSize=1000");
        Assert.Equal(HttpStatusCode.OK, deliveries.StatusCode);
        Assert.Equal(0, (await deliveries.ReadJsonAsync()).GetProperty("items").GetArrayLength());
    }
}
