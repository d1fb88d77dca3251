using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Campaigns;

/// <summary>
/// State changes as conditional updates: each applies only if the campaign is still in one of the
/// states it may leave, so racing actions (two browsers, two instances) resolve to one winner.
/// A change that ends the open run closes it in the same transaction: nobody ever sees a paused
/// campaign whose run still says Running.
/// </summary>
public sealed class CampaignTransitions(IDbContextFactory<TritonDbContext> contexts, TimeProvider time)
{
    public async Task<bool> MoveAsync(int campaignId, CampaignState[] from, CampaignState to, string? reason, CancellationToken cancellationToken,
        int? generation = null, RunOutcome? endRun = null)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var query = db.Campaigns.Where(c => c.Id == campaignId && from.Contains(c.State));
        if (generation is { } g) query = query.Where(c => c.Generation == g);
        var moved = await query.ExecuteUpdateAsync(s => s
            .SetProperty(c => c.State, to)
            .SetProperty(c => c.StateReason, reason)
            .SetProperty(c => c.UpdatedAt, now), cancellationToken) == 1;
        if (moved && endRun is { } outcome)
            await CampaignRunLog.EndOpenRunAsync(db, campaignId, outcome, reason, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return moved;
    }

    /// <summary>
    /// Running to Finished once enqueueing is done, every planned recipient is counted and no job of the
    /// generation is still queued; the run ends Finished in the same transaction.
    /// </summary>
    public async Task<bool> FinishAsync(int campaignId, int generation, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var finished = await db.Campaigns
            .Where(c => c.Id == campaignId && c.Generation == generation && c.State == CampaignState.Running && c.EnqueueDone
                && c.Progress.Sent + c.Progress.Skipped + c.Progress.Failed + c.Progress.Bounced == c.Progress.Plan
                && !db.Deliveries.Any(d => d.CampaignId == campaignId && d.Generation == generation && d.Status == DeliveryStatus.Queued))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, CampaignState.Finished), cancellationToken) == 1;
        if (finished)
            await CampaignRunLog.EndOpenRunAsync(db, campaignId, RunOutcome.Finished, null, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return finished;
    }

    /// <summary>Stop: back to Idle with a new generation, so every recipient is processed again; the open run ends Stopped.</summary>
    public async Task<bool> ResetAsync(int campaignId, CampaignState[] from, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var reset = await db.Campaigns.Where(c => c.Id == campaignId && from.Contains(c.State)).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.State, CampaignState.Idle)
            .SetProperty(c => c.StateReason, (string?)null)
            .SetProperty(c => c.Generation, c => c.Generation + 1)
            .SetProperty(c => c.EnqueueCursor, 0L)
            .SetProperty(c => c.EnqueueLimit, 0L)
            .SetProperty(c => c.EnqueueDone, false)
            .SetProperty(c => c.Progress.Plan, 0L)
            .SetProperty(c => c.Progress.Enqueued, 0L)
            .SetProperty(c => c.Progress.Sent, 0L)
            .SetProperty(c => c.Progress.Skipped, 0L)
            .SetProperty(c => c.Progress.Failed, 0L)
            .SetProperty(c => c.Progress.Bounced, 0L)
            .SetProperty(c => c.UpdatedAt, now), cancellationToken) == 1;
        if (reset) await CampaignRunLog.EndOpenRunAsync(db, campaignId, RunOutcome.Stopped, null, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return reset;
    }
}
