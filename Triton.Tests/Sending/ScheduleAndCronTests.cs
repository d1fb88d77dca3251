using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Sending;

public sealed class ScheduleAndCronTests
{
    [Fact]
    public Task A_schedule_fires_at_its_time_and_the_campaign_sends() => ScheduleFiresAsync(DatabaseProvider.Sqlite);

    /// <summary>PostgreSQL runs Quartz on the clustered database store instead of in memory.</summary>
    [PostgresFact]
    public Task A_schedule_fires_at_its_time_on_the_clustered_store() => ScheduleFiresAsync(DatabaseProvider.Postgres);

    private static async Task ScheduleFiresAsync(DatabaseProvider provider)
    {
        await using var scenario = await EngineScenario.StartAsync(provider);
        var at = DateTimeOffset.UtcNow.AddSeconds(3);
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(30), configure: c => c.ScheduleAt = at);
        await scenario.Services.GetRequiredService<ICampaignScheduler>().ScheduleChangedAsync(id, default);

        await Task.Delay(500);
        var before = (await scenario.CampaignAsync(id)).State;
        // Never early. On a machine so loaded that creating the campaign took past its time, there is no "before".
        if (DateTimeOffset.UtcNow < at - TimeSpan.FromMilliseconds(200)) Assert.Equal(CampaignState.Idle, before);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished, seconds: 30);
        Assert.Equal(30, done.Progress.Sent);
        Assert.True(DateTimeOffset.UtcNow >= at);
    }

    [Fact]
    public Task Schedules_survive_a_restart_and_a_past_due_one_fires_at_start_up() => SchedulesSurviveAsync(DatabaseProvider.Sqlite);

    [PostgresFact]
    public Task Schedules_survive_a_restart_on_the_clustered_store() => SchedulesSurviveAsync(DatabaseProvider.Postgres);

    private static async Task SchedulesSurviveAsync(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        int future, pastDue;
        await using (var first = await EngineScenario.StartAsync(provider, database: database))
        {
            future = await first.CreateCampaignAsync(EngineScenario.Addresses(10, "f"), "Future", configure: c => c.ScheduleAt = DateTimeOffset.UtcNow.AddSeconds(4));
            pastDue = await first.CreateCampaignAsync(EngineScenario.Addresses(10, "p"), "PastDue", configure: c =>
            {
                c.ScheduleAt = DateTimeOffset.UtcNow.AddMinutes(-5);
                c.MaxStartDelayMinutes = 60;
            });
            await first.Services.GetRequiredService<ICampaignScheduler>().ScheduleChangedAsync(future, default);
        } // the app stops before either fires

        await using var second = await EngineScenario.StartAsync(provider, database: database);
        Assert.Equal(10, (await second.WaitForAsync(pastDue, c => c.State == CampaignState.Finished, seconds: 20)).Progress.Sent);
        Assert.Equal(10, (await second.WaitForAsync(future, c => c.State == CampaignState.Finished, seconds: 30)).Progress.Sent);
    }

    [Fact]
    public async Task A_start_later_than_the_allowed_delay_stays_idle_and_says_why()
    {
        await using var database = new SqliteTestDatabase();
        int late;
        await using (var first = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, database: database))
            late = await first.CreateCampaignAsync(EngineScenario.Addresses(5), configure: c =>
            {
                c.ScheduleAt = DateTimeOffset.UtcNow.AddMinutes(-30);
                c.MaxStartDelayMinutes = 10;
            });

        await using var second = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, database: database);
        var idle = await second.WaitForAsync(late, c => c.ScheduleConsumed, seconds: 20);
        Assert.Equal(CampaignState.Idle, idle.State);
        Assert.Contains("10 minutes allowed", idle.StateReason);
        await Task.Delay(300);
        Assert.Equal(0, (await second.CampaignAsync(late)).Progress.Enqueued);
    }

    [Fact]
    public async Task The_cron_endpoint_needs_its_secret_and_processes_at_most_fifty_per_call_until_finished()
    {
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite,
            new() { ["Sending:Workers"] = "0", ["Triton:CronSecret"] = "cron-secret-1" });
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(120));
        await scenario.Commands.RunAsync(id, default);
        var client = scenario.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/cron/process-email-queue", null)).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/cron/process-email-queue", null)).StatusCode);
        Assert.Equal(0, (await scenario.CampaignAsync(id)).Progress.Sent);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "cron-secret-1");
        var total = 0;
        for (var call = 0; call < 20 && (await scenario.CampaignAsync(id)).State != CampaignState.Finished; call++)
        {
            var response = await client.PostAsync("/api/cron/process-email-queue?batchSize=500", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<CronAnswer>();
            Assert.InRange(body!.Processed, 0, 50);
            Assert.Equal(body.Processed, body.Sent + body.Failed);
            total += body.Processed;
        }
        var done = await scenario.CampaignAsync(id);
        Assert.Equal(CampaignState.Finished, done.State);
        Assert.Equal(120, total);
        Assert.Equal(120, done.Progress.Sent);
        Assert.Equal(120, scenario.PickedUpRecipients().Distinct().Count());
    }

    [Fact]
    public async Task Without_a_cron_secret_the_endpoint_does_not_exist()
    {
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite);
        var client = scenario.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "anything");
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/cron/process-email-queue", null)).StatusCode);
    }

    private sealed record CronAnswer(int Processed, int Sent, int Failed);
}
