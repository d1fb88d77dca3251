namespace Triton.Core.Campaigns;

/// <summary>Keeps the timed start of a campaign in step with its ScheduleAt.</summary>
public interface ICampaignScheduler
{
    /// <summary>Called after a campaign's ScheduleAt was created, changed or cleared.</summary>
    Task ScheduleChangedAsync(int campaignId, CancellationToken cancellationToken);
}
