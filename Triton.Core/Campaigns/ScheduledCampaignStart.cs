using Quartz;

namespace Triton.Core.Campaigns;

/// <summary>
/// Fires at a campaign's ScheduleAt and hands the start to <see cref="CampaignTransitions"/>: Idle
/// becomes Pending, unless the start comes later than the campaign's MaxStartDelayMinutes allows
/// (the server was down, or a copied database started elsewhere); then it stays Idle with the reason.
/// </summary>
public sealed class ScheduledCampaignStart(CampaignTransitions transitions) : IJob
{
    public const string CampaignIdKey = "campaignId";
    public const string ScheduleAtKey = "scheduleAt";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var campaignId = context.MergedJobDataMap.GetInt(CampaignIdKey);
        var scheduledAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(context.MergedJobDataMap.GetString(ScheduleAtKey)!));
        await transitions.StartScheduledAsync(campaignId, scheduledAt, cancellationToken);
    }
}
