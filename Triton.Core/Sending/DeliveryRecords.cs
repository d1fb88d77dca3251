using Triton.Core.Domain;

namespace Triton.Core.Sending;

/// <summary>A job leased to this instance, with what rendering needs of its recipient.</summary>
public sealed class ClaimedDelivery
{
    public required long Id { get; init; }
    public required long RecipientId { get; init; }
    public required string Email { get; init; }
    public required int Attempts { get; init; }
    public string? UserId { get; set; }
    public string Fields { get; set; } = "{}";
    public int? PreviousSubjectIndex { get; set; }

    private long _leaseUntil;

    /// <summary>Until when (Unix ms) this process's lease holds, as last claimed or renewed.</summary>
    public long LeaseUntil
    {
        get => Volatile.Read(ref _leaseUntil);
        set => Volatile.Write(ref _leaseUntil, value);
    }

    /// <summary>Why the job must not be sent (its address was suppressed after it was enqueued); recorded Skipped.</summary>
    public string? SkipReason { get; set; }

    /// <summary>A renewal found the job no longer leased to this process: it must not be sent.</summary>
    public bool LeaseLost { get; set; }
}

/// <summary>What became of one attempt, to be written by the result writer (with its outbox row when archived).</summary>
public sealed record DeliveryResult(
    long DeliveryId,
    int CampaignId,
    int Generation,
    long RunId,
    DeliveryStatus Status,
    int Attempts,
    string? Reply,
    int? ReplyCode,
    long NotBefore,
    int? SubjectIndex,
    bool IsError,
    string? PauseReason = null,
    Archive.ArchivedCopy? Archived = null,
    string? UserId = null,
    int? TrackingCategoryId = null,
    string? Email = null);
