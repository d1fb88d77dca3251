using System.Net;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Campaigns;
using Triton.Core.Domain;

namespace Triton.Tests.Api;

/// <summary>
/// The action routes' mapping of ICampaignCommands results to HTTP; the commands themselves are the
/// engine's (a scripted double answers here, so these tests cover the HTTP contract only).
/// </summary>
public sealed class CampaignActionApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient client = factory.Client();

    private async Task<int> SeedCampaignAsync(string name)
    {
        var (template, list, transport) = await factory.SeedCampaignPartsAsync(name);
        return await factory.WithDbAsync(async db =>
        {
            var campaign = new Campaign { Name = name, TemplateId = template, ListId = list, TransportId = transport, FromAddress = "a@example.org", Subjects = ["s"] };
            db.Campaigns.Add(campaign);
            await db.SaveChangesAsync();
            return campaign.Id;
        });
    }

    [Theory]
    [InlineData("run")]
    [InlineData("pause")]
    [InlineData("stop")]
    [InlineData("retry-failed")]
    public async Task Done_answers_202_with_the_campaign(string action)
    {
        var id = await SeedCampaignAsync("act-done-" + action);
        lock (factory.Commands) factory.Commands.Next = CampaignCommandResult.Done;
        var response = await client.PostAsync($"/api/campaigns/{id}/{action}", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(id, body.GetProperty("id").GetInt32());
        Assert.Equal("Idle", body.GetProperty("state").GetString());
        Assert.Contains((action, id), factory.Commands.Calls);
    }

    [Fact]
    public async Task Results_map_to_404_409_and_400()
    {
        var id = await SeedCampaignAsync("act-map");
        factory.Commands.Next = CampaignCommandResult.NotFound;
        await (await client.PostAsync($"/api/campaigns/{id}/run", null)).AssertProblemAsync(HttpStatusCode.NotFound);

        factory.Commands.Next = CampaignCommandResult.Conflict("The campaign is Finished; stop it first.");
        var conflict = await (await client.PostAsync($"/api/campaigns/{id}/pause", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("The campaign is Finished; stop it first.", conflict.GetProperty("detail").GetString());

        factory.Commands.Next = CampaignCommandResult.Invalid("The campaign's template does not compile.");
        var invalid = await (await client.PostAsync($"/api/campaigns/{id}/run", null)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("The campaign's template does not compile.", invalid.GetProperty("detail").GetString());
        factory.Commands.Next = CampaignCommandResult.Done;
    }

    [Fact]
    public async Task Actions_need_a_key()
    {
        var id = await SeedCampaignAsync("act-auth");
        var anonymous = factory.CreateClient();
        var before = factory.Commands.Calls.Count;
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/api/campaigns/{id}/run", null)).StatusCode);
        Assert.Equal(before, factory.Commands.Calls.Count);
    }

    [Fact]
    public async Task Runs_are_listed_newest_first()
    {
        var id = await SeedCampaignAsync("act-runs");
        var start = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
        await factory.WithDbAsync(async db =>
        {
            db.CampaignRuns.Add(new CampaignRun { CampaignId = id, Generation = 1, StartedAt = start, EndedAt = start.AddMinutes(5), Outcome = RunOutcome.Paused, Sent = 10 });
            db.CampaignRuns.Add(new CampaignRun { CampaignId = id, Generation = 1, StartedAt = start.AddHours(1), Outcome = RunOutcome.Running, Sent = 3, Error = null });
            return await db.SaveChangesAsync();
        });
        var runs = (await (await client.GetAsync($"/api/campaigns/{id}/runs")).ReadJsonAsync()).EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        Assert.Equal("Running", runs[0].GetProperty("outcome").GetString());
        Assert.Equal("Paused", runs[1].GetProperty("outcome").GetString());
        Assert.Equal(10, runs[1].GetProperty("sent").GetInt64());
        await (await client.GetAsync("/api/campaigns/99999/runs")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(2, await factory.WithDbAsync(db => db.CampaignRuns.CountAsync(r => r.CampaignId == id)));
    }
}
