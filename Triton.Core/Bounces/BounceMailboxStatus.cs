using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;

namespace Triton.Core.Bounces;

/// <summary>
/// The bounce mailbox as a health panel shows it: whether one is configured, its last poll and error,
/// and what it has found. Read from the database, so any instance shows what the polling one did.
/// </summary>
public sealed record BounceMailboxStatus(bool Configured, DateTimeOffset? LastPollAt, string? LastError,
    long Processed, long HardBounces, long SoftBounces, long Unmatched, long Unsubscribes)
{
    /// <summary>The status of the mailbox in force: the saved settings when an admin saved some, else <paramref name="configured"/>.</summary>
    public static async Task<BounceMailboxStatus> ReadAsync(TritonDbContext db, BounceOptions configured, CancellationToken cancellationToken)
    {
        var stored = await db.BounceMailboxSettings.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Id == BounceMailboxSettingsService.SettingsId, cancellationToken);
        return await ReadAsync(db, BounceMailboxSettingsService.IsEnabled(stored, configured), cancellationToken);
    }

    public static async Task<BounceMailboxStatus> ReadAsync(TritonDbContext db, bool configured, CancellationToken cancellationToken)
    {
        var state = await db.BounceMailboxStates.AsNoTracking().FirstOrDefaultAsync(s => s.Id == BounceMailbox.StateId, cancellationToken);
        return state is null
            ? new BounceMailboxStatus(configured, null, null, 0, 0, 0, 0, 0)
            : new BounceMailboxStatus(configured, state.LastPollAt, state.LastError, state.Processed, state.HardBounces,
                state.SoftBounces, state.Unmatched, state.Unsubscribes);
    }
}
