using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Sending;

namespace Triton.Core.Campaigns;

/// <summary>
/// Fires at a campaign's ScheduleAt: Idle becomes Pending, unless the start comes later than the
/// campaign's MaxStartDelayMinutes allows (the server was down, or a copied database started
/// elsewhere); then it stays Idle with the reason recorded.
/// </summary>
public sealed class ScheduledCampaignStart(
    IDbContextFactory<TritonDbContext> contexts,
    CampaignProgressFeed progress,
    CampaignEngine engine,
    TimeProvider time,
    ILogger<ScheduledCampaignStart> logger) : IJob
{
    public const string CampaignIdKey = "campaignId";
    public const string ScheduleAtKey = "scheduleAt";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var campaignId = context.MergedJobDataMap.GetInt(CampaignIdKey);
        var scheduledAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(context.MergedJobDataMap.GetString(ScheduleAtKey)!));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is null || campaign.State != CampaignState.Idle || campaign.ScheduleConsumed || campaign.ScheduleAt?.ToUnixTimeMilliseconds() != scheduledAt.ToUnixTimeMilliseconds())
            return;

        var now = time.GetUtcNow();
        var late = now - scheduledAt;
        campaign.ScheduleConsumed = true;
        campaign.UpdatedAt = now;
        if (campaign.MaxStartDelayMinutes is { } maxDelay && late > TimeSpan.FromMinutes(maxDelay))
        {
            campaign.StateReason = $"Not started: it came up {late.TotalMinutes:0} minutes after its scheduled time {scheduledAt:u}, more than the {maxDelay} minutes allowed.";
            logger.LogWarning("Campaign {CampaignId} missed its schedule by {Minutes:0} minutes and stays Idle", campaignId, late.TotalMinutes);
        }
        else
        {
            campaign.State = CampaignState.Pending;
            campaign.StateReason = null;
            logger.LogInformation("Campaign {CampaignId} is due and now Pending", campaignId);
        }
        // The row version check: another instance firing the same schedule changes nothing twice.
        var changed = await db.Campaigns
            .Where(c => c.Id == campaignId && c.State == CampaignState.Idle && !c.ScheduleConsumed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.State, campaign.State)
                .SetProperty(c => c.StateReason, campaign.StateReason)
                .SetProperty(c => c.ScheduleConsumed, true)
                .SetProperty(c => c.UpdatedAt, now), cancellationToken);
        if (changed == 0) return;
        progress.MarkChanged(campaignId);
        engine.Wake();
    }
}
