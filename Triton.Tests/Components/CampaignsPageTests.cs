using Bunit;
using Triton.Core.Campaigns;
using Triton.Core.Domain;
using Triton.Tests.Admin;
using Triton.Web.Access;
using Triton.Web.Components.Campaigns;

namespace Triton.Tests.Components;

/// <summary>
/// The campaigns list over the real app's database, fed by a progress feed the test publishes to: a
/// push moves its row's progress bar and state chip (the row's own live cells, not the page, render).
/// </summary>
public sealed class CampaignsPageTests(AdminApp app) : AdminComponentTest(app), IClassFixture<AdminApp>
{
    [Fact]
    public async Task A_push_moves_its_rows_progress_bar_and_state_chip()
    {
        var id = await CampaignSeed.CreateCampaignAsync(App.Services, "List row live", 4);
        SignIn(AdminRoles.Viewer);
        var page = Render<CampaignsPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find($"[data-campaign-progress=\"{id}\"]")), TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() => Assert.Equal(1, Feed.Subscribers), TimeSpan.FromSeconds(10));
        Assert.Equal("0", page.Find($"[data-campaign-progress=\"{id}\"]").GetAttribute("aria-valuenow"));

        Feed.Publish(new CampaignProgressEvent(id, CampaignState.Running, null, 4, 4, 2, 0, 0, 0, 1, 1, null, DateTimeOffset.UtcNow));
        page.WaitForAssertion(() =>
        {
            Assert.Equal("2", page.Find($"[data-campaign-progress=\"{id}\"]").GetAttribute("aria-valuenow"));
            Assert.Contains(page.FindAll("[data-campaign-state]"), chip => chip.GetAttribute("data-campaign-state") == "Running");
        }, TimeSpan.FromSeconds(10));

        Feed.Publish(new CampaignProgressEvent(id, CampaignState.Finished, null, 4, 4, 4, 0, 0, 0, 0, 0, null, DateTimeOffset.UtcNow));
        page.WaitForAssertion(() =>
        {
            Assert.Equal("4", page.Find($"[data-campaign-progress=\"{id}\"]").GetAttribute("aria-valuenow"));
            Assert.Contains(page.FindAll("[data-campaign-state]"), chip => chip.GetAttribute("data-campaign-state") == "Finished");
        }, TimeSpan.FromSeconds(10));
    }
}
