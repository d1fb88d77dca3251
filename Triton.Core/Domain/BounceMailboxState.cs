namespace Triton.Core.Domain;

/// <summary>
/// The bounce mailbox's last poll, stored (one row) so every instance can show it, whichever one polled.
/// </summary>
public sealed class BounceMailboxState
{
    public int Id { get; set; }
    public DateTimeOffset? LastPollAt { get; set; }

    /// <summary>Why the last poll failed; null when it succeeded.</summary>
    public string? LastError { get; set; }

    /// <summary>Messages read and dealt with (bounce or not) since the mailbox was first polled.</summary>
    public long Processed { get; set; }
    public long HardBounces { get; set; }
    public long SoftBounces { get; set; }

    /// <summary>Bounces whose delivery or message could not be found (an unknown or tampered token).</summary>
    public long Unmatched { get; set; }
    public long Unsubscribes { get; set; }
}
