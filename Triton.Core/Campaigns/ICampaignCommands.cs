namespace Triton.Core.Campaigns;

/// <summary>
/// The actions a user takes on a campaign. Each is checked against the campaign's state and applied
/// atomically in the database, so racing actions (two browsers pausing) cannot corrupt it.
/// </summary>
public interface ICampaignCommands
{
    Task<CampaignCommandResult> RunAsync(int campaignId, CancellationToken cancellationToken);
    Task<CampaignCommandResult> PauseAsync(int campaignId, CancellationToken cancellationToken);
    Task<CampaignCommandResult> StopAsync(int campaignId, CancellationToken cancellationToken);
    Task<CampaignCommandResult> RetryFailedAsync(int campaignId, CancellationToken cancellationToken);
}

/// <summary>The in-process stream of coalesced progress events (the SignalR hub consumes it).</summary>
public interface ICampaignProgressFeed
{
    /// <summary>Every event from now on, until the token is cancelled. Slow readers see the latest state, not every event.</summary>
    IAsyncEnumerable<CampaignProgressEvent> SubscribeAsync(CancellationToken cancellationToken);

    /// <summary>The last event published for a campaign by this instance, if any.</summary>
    CampaignProgressEvent? Latest(int campaignId);
}
