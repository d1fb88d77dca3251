namespace Triton.Core.Domain;

/// <summary>
/// One sent message kept in the archive: who it went to, what it said in its subject, when, what sent it
/// (a campaign delivery or a transactional message) and where its .eml file lies under Archive:Directory.
/// Purged with its file after Archive:KeepDays.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    /// <summary>The Message-ID header, without angle brackets.</summary>
    public required string MessageId { get; set; }
    public required string Recipient { get; set; }
    public required string Subject { get; set; }

    /// <summary>Unix milliseconds: when the transport took the message.</summary>
    public long SentAt { get; set; }

    /// <summary>Set for campaign mail, with <see cref="DeliveryId"/>.</summary>
    public int? CampaignId { get; set; }
    public long? DeliveryId { get; set; }

    /// <summary>Set for transactional mail: the id of its row in the message log.</summary>
    public long? TransactionalMessageId { get; set; }

    /// <summary>The .eml file, relative to the archive directory (so the directory can move).</summary>
    public required string Path { get; set; }
}
