using Triton.Core.Archive;
using Triton.Core.Domain;

namespace Triton.Core.Triggers;

/// <summary>
/// What became of one attempt at a transactional message, to be recorded in the message log:
/// <see cref="MessageStatus.Queued"/> again with <see cref="NotBefore"/> when it will be retried.
/// </summary>
public sealed record MessageResult(ClaimedMessage Message, MessageStatus Status, int Attempts, string? Reply, int? Code, long NotBefore, bool Sent,
    ArchivedCopy? Archived = null)
{
    /// <summary>The trigger's tracking category when it was sent: the send counts there.</summary>
    public int? TrackingCategoryId { get; init; }
}
