using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Campaigns;

/// <summary>
/// State changes as conditional updates: each applies only if the campaign is still in one of the
/// states it may leave, so racing actions (two browsers, two instances) resolve to one winner.
/// </summary>
public sealed class CampaignTransitions(IDbContextFactory<TritonDbContext> contexts, TimeProvider time)
{
    public async Task<bool> MoveAsync(int campaignId, CampaignState[] from, CampaignState to, string? reason, CancellationToken cancellationToken, int? generation = null)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var query = db.Campaigns.Where(c => c.Id == campaignId && from.Contains(c.State));
        if (generation is { } g) query = query.Where(c => c.Generation == g);
        return await query.ExecuteUpdateAsync(s => s
            .SetProperty(c => c.State, to)
            .SetProperty(c => c.StateReason, reason)
            .SetProperty(c => c.UpdatedAt, now), cancellationToken) == 1;
    }

    /// <summary>Stop: back to Idle with a new generation, so every recipient is processed again.</summary>
    public async Task<bool> ResetAsync(int campaignId, CampaignState[] from, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        return await db.Campaigns.Where(c => c.Id == campaignId && from.Contains(c.State)).ExecuteUpdateAsync(s => s
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
    }
}
