namespace Triton.Core.Domain;

public enum MessageStatus { Queued, Sent, Failed, Bounced, Suppressed }

/// <summary>
/// One event's message: what was asked (event, recipient, variables), what became of it, and the
/// lease that lets one worker of one instance send it.
/// </summary>
public sealed class TransactionalMessage
{
    public long Id { get; set; }

    /// <summary>The id applications see (answered by the events API), not guessable.</summary>
    public required string MessageId { get; set; }
    public int TriggerId { get; set; }
    public required string EventName { get; set; }
    public required string Email { get; set; }
    public string? UserId { get; set; }

    /// <summary>The recipient's other fields, as a JSON object.</summary>
    public string Fields { get; set; } = "{}";

    /// <summary>The event's variables, as a JSON object.</summary>
    public string Variables { get; set; } = "{}";
    public string? IdempotencyKey { get; set; }
    public MessageStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? LastReply { get; set; }
    public int? ReplyCode { get; set; }

    /// <summary>Unix milliseconds: not sent before (a retry's backoff).</summary>
    public long NotBefore { get; set; }
    public string? LeaseOwner { get; set; }
    public long LeaseUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}
