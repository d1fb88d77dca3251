using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Tests.Admin;

/// <summary>The dashboard's totals for today come from what the engine recorded.</summary>
public sealed partial class DashboardTests : IClassFixture<AdminApp>
{
    private readonly AdminApp app;

    public DashboardTests(AdminApp app) => this.app = app;

    [Fact]
    public async Task Todays_totals_count_what_the_campaigns_recorded()
    {
        var campaignId = await CampaignSeed.CreateCampaignAsync(app.Services, "Today", 40);
        Assert.Equal(CommandStatus.Done, (await app.Services.GetRequiredService<ICampaignCommands>().RunAsync(campaignId, default)).Status);
        for (var i = 0; i < 300 && await StateAsync(campaignId) != CampaignState.Finished; i++) await Task.Delay(100);
        Assert.Equal(CampaignState.Finished, await StateAsync(campaignId));

        using var client = app.CreateBrowserlessClient();
        await AdminFormsTests.SignInAsync(client, AdminApp.AdminEmail, AdminApp.AdminPassword, "/");
        var html = await client.GetStringAsync("/");
        Assert.Equal("40", Counter(html, "sent"));
        Assert.Equal("0", Counter(html, "failed"));
        Assert.Equal("0", Counter(html, "bounced"));
    }

    [Fact]
    public async Task A_campaign_that_paused_itself_is_listed_with_its_reason()
    {
        var campaignId = await CampaignSeed.CreateCampaignAsync(app.Services, "Full disk", 3);
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<TritonDbContext>().Campaigns.Where(c => c.Id == campaignId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, CampaignState.Paused)
                    .SetProperty(c => c.StateReason, "No space left on device: /data/pickup"));

        using var client = app.CreateBrowserlessClient();
        await AdminFormsTests.SignInAsync(client, AdminApp.AdminEmail, AdminApp.AdminPassword, "/");
        var html = await client.GetStringAsync("/");
        Assert.Contains("Paused by Triton", html);
        Assert.Contains("No space left on device: /data/pickup", html);
        Assert.Contains($"/campaigns/{campaignId}", html);
    }

    private async Task<CampaignState> StateAsync(int campaignId)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<TritonDbContext>().Campaigns.Where(c => c.Id == campaignId).Select(c => c.State).SingleAsync();
    }

    private static string Counter(string html, string name) =>
        Regex.Match(html, $"data-today=\"{name}\">([^<]*)<").Groups[1].Value;
}
