namespace Triton.Core.Domain;

public enum DeliveryStatus { Queued = 0, Sent = 1, Skipped = 2, Failed = 3, Bounced = 4 }

/// <summary>
/// One recipient's job in one campaign generation. Times are Unix milliseconds: the hot paths
/// compare and sort them in SQL on both providers.
/// </summary>
public sealed class Delivery
{
    public long Id { get; set; }
    public int CampaignId { get; set; }
    public int Generation { get; set; }
    public long RecipientId { get; set; }
    public required string Email { get; set; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? LastReply { get; set; }

    /// <summary>The SMTP reply code of the last attempt, for the failure breakdown.</summary>
    public int? ReplyCode { get; set; }
    public long UpdatedAt { get; set; }

    /// <summary>A queued job is not claimed before this time (retry backoff).</summary>
    public long NotBefore { get; set; }

    /// <summary>Who holds the job and until when; an expired lease may be claimed again.</summary>
    public string? LeaseOwner { get; set; }
    public long LeaseUntil { get; set; }

    /// <summary>Index into the campaign's subjects of the subject this recipient got.</summary>
    public int? SubjectIndex { get; set; }
}
