namespace Triton.Core.Health;

/// <summary>
/// When the bounce mailbox was last polled, for the dashboard's health panel. The bounce processing
/// registers the implementation; until one is registered <see cref="ServerHealth.BounceMailboxLastPoll"/>
/// stays null and the panel says the mailbox is not polled.
/// </summary>
public interface IBounceMailboxPollStatus
{
    /// <summary>The last completed poll, or null when none has completed yet.</summary>
    Task<DateTimeOffset?> LastPollAsync(CancellationToken cancellationToken);
}
