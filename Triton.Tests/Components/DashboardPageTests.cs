using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Campaigns;
using Triton.Core.Domain;
using Triton.Tests.Admin;
using Triton.Web.Access;
using Triton.Web.Components.Dashboard;

namespace Triton.Tests.Components;

/// <summary>
/// The interactive dashboard over the real app's database, fed by a progress feed the test publishes
/// to: today's totals, the running campaigns' counters as the feed moves them, and a campaign that
/// paused itself joining the list with its reason, all without a reload.
/// </summary>
public sealed class DashboardPageTests(AdminApp app) : AdminComponentTest(app), IClassFixture<AdminApp>
{
    [Fact]
    public async Task Counters_follow_the_feed_and_a_campaign_that_paused_itself_is_listed_with_its_reason()
    {
        // A real run on a transport slow enough to stay Running through the test.
        var running = await CampaignSeed.CreateCampaignAsync(App.Services, "Dashboard running", 3, ratePerSecond: 0.01);
        var commands = App.Services.GetRequiredService<ICampaignCommands>();
        Assert.Equal(CommandStatus.Done, (await commands.RunAsync(running, default)).Status);
        // The page shows the feed's numbers for a campaign in the state they describe: until the engine has started it
        // (Pending, longer on a loaded machine), a Running snapshot gives way to the row's own counters.
        await WaitUntilRunningAsync(running);
        var paused = await CampaignSeed.CreateCampaignAsync(App.Services, "Dashboard full disk", 3);

        SignIn(AdminRoles.Viewer);
        var catalog = App.Services.GetRequiredService<CampaignCatalog>();
        // The running campaign may send a message meanwhile: today's total lies between two readings.
        var before = (await catalog.TodayAsync(DateTimeOffset.UtcNow, default)).Sent;
        var page = Render<DashboardPage>();
        page.WaitForAssertion(() => Assert.Equal(1, Feed.Subscribers), TimeSpan.FromSeconds(10));
        var shown = long.Parse(page.Find("[data-today=\"sent\"]").TextContent);
        var after = (await catalog.TodayAsync(DateTimeOffset.UtcNow, default)).Sent;
        Assert.InRange(shown, before, after);
        Assert.NotNull(page.Find($"[data-progress-campaign=\"{running}\"]"));
        Assert.Empty(page.FindAll("[data-paused-by-triton]"));

        Feed.Publish(Snapshot(running, CampaignState.Running, sent: 2, failed: 1));
        page.WaitForAssertion(() => Assert.Equal("2", Counter(page, running, "sent")), TimeSpan.FromSeconds(10));
        Assert.Equal("1", Counter(page, running, "failed"));
        Assert.Equal("3", Counter(page, running, "plan"));

        // The engine pauses a campaign itself (a full disk): the dashboard lists it with the reason.
        await using (var db = App.Db())
            await db.Campaigns.Where(c => c.Id == paused).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.State, CampaignState.Paused).SetProperty(c => c.StateReason, "No space left on device: /data/pickup"));
        Feed.Publish(Snapshot(paused, CampaignState.Paused, sent: 0, failed: 0));
        page.WaitForAssertion(() => Assert.Contains("No space left on device: /data/pickup", page.Find("[data-paused-by-triton]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains($"/campaigns/{paused}", page.Find("[data-paused-by-triton]").InnerHtml);
        // The running campaign keeps the feed's numbers through the reload.
        Assert.Equal("2", Counter(page, running, "sent"));

        Assert.Equal(CommandStatus.Done, (await commands.StopAsync(running, default)).Status);
    }

    private async Task WaitUntilRunningAsync(int campaignId)
    {
        for (var i = 0; i < 400; i++)
        {
            await using var db = App.Db();
            if (await db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.State).SingleAsync() == CampaignState.Running) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"campaign {campaignId} did not start within 20 s");
    }

    private static CampaignProgressEvent Snapshot(int id, CampaignState state, long sent, long failed) =>
        new(id, state, null, 3, 3, sent, 0, failed, 0, 1, 0.5, TimeSpan.FromSeconds(4), DateTimeOffset.UtcNow);

    private static string Counter(IRenderedComponent<DashboardPage> page, int campaignId, string name) =>
        page.Find($"[data-progress-campaign=\"{campaignId}\"] [data-progress=\"{name}\"]").TextContent;
}
