using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Scheduling;

namespace Triton.Core.Campaigns;

/// <summary>
/// Keeps one Quartz trigger per Idle campaign with an unconsumed ScheduleAt. The campaigns table is
/// the durable record: at start-up every schedule is registered again, and a past-due one fires at
/// once, so schedules survive restarts. On PostgreSQL the Quartz store is clustered: whichever
/// instance fires a trigger, the start itself is a conditional update, so a campaign starts once.
/// </summary>
public sealed class CampaignScheduler(
    ISchedulerFactory schedulers,
    IDbContextFactory<TritonDbContext> contexts,
    TimeProvider time,
    ILogger<CampaignScheduler> logger) : ICampaignScheduler, IHostedService
{
    public const string Group = "campaign-start";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ids = await db.Campaigns.AsNoTracking()
            .Where(c => c.ScheduleAt != null && !c.ScheduleConsumed && c.State == CampaignState.Idle)
            .Select(c => c.Id).ToListAsync(cancellationToken);
        foreach (var id in ids) await ScheduleAsync(id, cancellationToken);
        if (ids.Count > 0) logger.LogInformation("Registered {Count} campaign schedules", ids.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task ScheduleChangedAsync(int campaignId, CancellationToken cancellationToken)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            await db.Campaigns.Where(c => c.Id == campaignId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ScheduleConsumed, false), cancellationToken);
        await ScheduleAsync(campaignId, cancellationToken);
    }

    private async Task ScheduleAsync(int campaignId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var key = new JobKey(campaignId.ToString(), Group);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var campaign = await db.Campaigns.AsNoTracking()
            .Where(c => c.Id == campaignId)
            .Select(c => new { c.ScheduleAt, c.ScheduleConsumed, c.State })
            .FirstOrDefaultAsync(cancellationToken);
        if (campaign?.ScheduleAt is not { } at || campaign.ScheduleConsumed || campaign.State != CampaignState.Idle)
        {
            await scheduler.DeleteIfPresentAsync(key, cancellationToken);
            return;
        }

        var job = JobBuilder.Create<ScheduledCampaignStart>()
            .WithIdentity(key)
            // An instance that dies while starting the campaign leaves the firing to be run again by
            // another (clustered store); the start is a conditional update, so running it twice is harmless.
            .RequestRecovery()
            .UsingJobData(ScheduledCampaignStart.CampaignIdKey, campaignId)
            .UsingJobData(ScheduledCampaignStart.ScheduleAtKey, at.ToUnixTimeMilliseconds().ToString())
            .Build();
        var now = time.GetUtcNow();
        var trigger = TriggerBuilder.Create(time)
            .WithIdentity(campaignId.ToString(), Group)
            .StartAt(at > now ? at : now)
            .Build();
        // Replaced in one store operation: on a clustered store several instances register the same
        // schedules at start-up, and a delete-then-add could collide with another instance's add.
        await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions { Replace = true }, cancellationToken);
    }
}
