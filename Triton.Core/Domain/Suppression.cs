namespace Triton.Core.Domain;

public enum SuppressionReason { Unsubscribed = 0, HardBounce = 1, Complaint = 2, Manual = 3 }

/// <summary>
/// An address no campaign sends to again (it counts as Skipped); transactional mail honours it when
/// its trigger says so, and always for a hard bounce. One row per address, kept lower-cased.
/// </summary>
public sealed class Suppression
{
    public long Id { get; set; }

    /// <summary>Trimmed and lower-cased (the recipients' email key), so lookups are exact.</summary>
    public required string Email { get; set; }
    public SuppressionReason Reason { get; set; }

    /// <summary>Where it came from: "campaign 12", "trigger 3", "api", "admin", "bounce mailbox".</summary>
    public required string Source { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
