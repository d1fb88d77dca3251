using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Tests.Admin;

namespace Triton.Tests.Web;

/// <summary>The progress hub over a real WebSocket: who may connect, how often it pushes, how a reconnect catches up.</summary>
public sealed class ProgressHubTests : IClassFixture<AdminApp>
{
    private readonly AdminApp app;

    public ProgressHubTests(AdminApp app) => this.app = app;

    [Fact]
    public async Task Anonymous_connections_are_refused()
    {
        using var client = app.CreateBrowserlessClient();
        var response = await client.PostAsync("/hubs/progress/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Pushes_are_coalesced_and_a_reconnecting_client_catches_up_with_the_final_numbers()
    {
        const int recipients = 2000;
        var cookies = await SignedInCookiesAsync();
        var campaignId = await CampaignSeed.CreateCampaignAsync(app.Services, "Hub", recipients, ratePerSecond: 800);

        await using (var watcher = await ProgressHubClient.ConnectAsync(app.BaseAddress, cookies))
        {
            await watcher.JoinCampaignAsync(campaignId);
            await using var leaving = await ProgressHubClient.ConnectAsync(app.BaseAddress, cookies);
            await leaving.JoinCampaignAsync(campaignId);

            var started = DateTime.UtcNow;
            Assert.Equal(CommandStatus.Done, (await Commands().RunAsync(campaignId, default)).Status);
            var received = new List<JsonElement>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await foreach (var message in watcher.Progress.ReadAllAsync(timeout.Token))
            {
                received.Add(message);
                // One client drops out while the campaign sends.
                if (received.Count == 3) await leaving.DisposeAsync();
                if (message.GetProperty("state").GetString() == "Finished" && message.GetProperty("sent").GetInt64() == recipients) break;
            }
            var seconds = (DateTime.UtcNow - started).TotalSeconds;

            var sent = received.Select(m => m.GetProperty("sent").GetInt64()).ToList();
            Assert.True(sent.Distinct().Count(v => v > 0 && v < recipients) >= 3, "sent rose through intermediate values: " + string.Join(", ", sent));
            // Coalesced: a few pushes a second (Sending:ProgressMilliseconds is 250), never one per message.
            Assert.True(received.Count <= seconds * 5 + 5, $"{received.Count} pushes in {seconds:0.0} s");
            Assert.True(received.Count < recipients / 20);
        }

        // Reconnecting after the end: joining sends the latest numbers at once, equal to the database's.
        await using var back = await ProgressHubClient.ConnectAsync(app.BaseAddress, cookies);
        await back.JoinCampaignAsync(campaignId);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var caughtUp = await back.Progress.ReadAsync(wait.Token);
        var stored = await StoredAsync(campaignId);
        Assert.Equal("Finished", caughtUp.GetProperty("state").GetString());
        Assert.Equal(stored.Progress.Sent, caughtUp.GetProperty("sent").GetInt64());
        Assert.Equal(stored.Progress.Plan, caughtUp.GetProperty("plan").GetInt64());
        Assert.Equal(recipients, stored.Progress.Sent);
    }

    private ICampaignCommands Commands() => app.Services.GetRequiredService<ICampaignCommands>();

    private async Task<CookieContainer> SignedInCookiesAsync()
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = app.BaseAddress };
        var response = await AdminFormsTests.SignInAsync(client, AdminApp.AdminEmail, AdminApp.AdminPassword, "/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return cookies;
    }

    private async Task<Campaign> StoredAsync(int campaignId)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<TritonDbContext>().Campaigns.AsNoTracking().SingleAsync(c => c.Id == campaignId);
    }
}
