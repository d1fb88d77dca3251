using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Sending;

namespace Triton.Core.Campaigns;

/// <summary>
/// The one writer of a campaign's state. Every change (a user's Run, Pause, Stop and retry-failed,
/// a schedule firing, the engine starting, finishing or pausing a campaign) is a conditional update
/// here: it applies only if the campaign is still in one of the states it may leave, so racing
/// actions (two browsers, two instances) resolve to one winner. A change that ends the open run
/// closes it in the same transaction: nobody ever sees a paused campaign whose run still says
/// Running. After each change that landed, the progress feed watches the campaign and the engine
/// is woken, so nobody else has to remember to.
/// </summary>
public sealed class CampaignTransitions(
    IDbContextFactory<TritonDbContext> contexts,
    CampaignProgressFeed progress,
    EngineSignal engine,
    TimeProvider time,
    ILogger<CampaignTransitions> logger)
{
    public async Task<bool> MoveAsync(int campaignId, CampaignState[] from, CampaignState to, string? reason, CancellationToken cancellationToken,
        int? generation = null, RunOutcome? endRun = null)
    {
        bool moved;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            var query = db.Campaigns.Where(c => c.Id == campaignId && from.Contains(c.State));
            if (generation is { } g) query = query.Where(c => c.Generation == g);
            moved = await query.ExecuteUpdateAsync(s => s
                .SetProperty(c => c.State, to)
                .SetProperty(c => c.StateReason, reason)
                .SetProperty(c => c.UpdatedAt, now), cancellationToken) == 1;
            if (moved && endRun is { } outcome)
                await CampaignRunLog.EndOpenRunAsync(db, campaignId, outcome, reason, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return Changed(campaignId, moved);
    }

    /// <summary>
    /// The engine starting a campaign: Pending to Running, and its run opened in the same transaction,
    /// so a pause that sees the campaign Running always finds the run to close.
    /// </summary>
    public async Task<bool> StartAsync(int campaignId, int generation, CancellationToken cancellationToken)
    {
        bool started;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            started = await db.Campaigns
                .Where(c => c.Id == campaignId && c.State == CampaignState.Pending && c.Generation == generation)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.State, CampaignState.Running)
                    .SetProperty(c => c.StateReason, (string?)null)
                    .SetProperty(c => c.UpdatedAt, now), cancellationToken) == 1;
            if (started)
            {
                db.CampaignRuns.Add(new CampaignRun { CampaignId = campaignId, Generation = generation, StartedAt = now, Outcome = RunOutcome.Running });
                await db.SaveChangesAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        return Changed(campaignId, started);
    }

    /// <summary>
    /// Running to Finished once enqueueing is done, every planned recipient is counted and no job of the
    /// generation is still queued; the run ends Finished in the same transaction.
    /// </summary>
    public async Task<bool> FinishAsync(int campaignId, int generation, CancellationToken cancellationToken)
    {
        bool finished;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            finished = await db.Campaigns
                .Where(c => c.Id == campaignId && c.Generation == generation && c.State == CampaignState.Running && c.EnqueueDone
                    && c.Progress.Sent + c.Progress.Skipped + c.Progress.Failed + c.Progress.Bounced == c.Progress.Plan
                    && !db.Deliveries.Any(d => d.CampaignId == campaignId && d.Generation == generation && d.Status == DeliveryStatus.Queued))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, CampaignState.Finished), cancellationToken) == 1;
            if (finished)
                await CampaignRunLog.EndOpenRunAsync(db, campaignId, RunOutcome.Finished, null, time.GetUtcNow(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return Changed(campaignId, finished);
    }

    /// <summary>Stop: back to Idle with a new generation, so every recipient is processed again; the open run ends Stopped.</summary>
    public async Task<bool> ResetAsync(int campaignId, CampaignState[] from, CancellationToken cancellationToken)
    {
        bool reset;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            reset = await db.Campaigns.Where(c => c.Id == campaignId && from.Contains(c.State)).ExecuteUpdateAsync(s => s
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
        }
        return Changed(campaignId, reset);
    }

    /// <summary>
    /// Retry failed: the Failed deliveries of the current generation are queued again and no longer
    /// count as failed; a Finished campaign becomes Pending to send them, a Running or Paused one keeps
    /// its state. All of it or nothing, and only if the campaign is still where it was read.
    /// </summary>
    public async Task<CampaignCommandResult> RequeueFailedAsync(int campaignId, CampaignState[] from, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var campaign = await db.Campaigns.AsNoTracking()
            .Where(c => c.Id == campaignId).Select(c => new { c.State, c.Generation }).FirstOrDefaultAsync(cancellationToken);
        if (campaign is null) return CampaignCommandResult.NotFound;
        if (!from.Contains(campaign.State))
            return CampaignCommandResult.Conflict($"A {campaign.State} campaign has no failed deliveries of this generation to retry.");
        var now = time.GetUtcNow();
        var requeued = await db.Deliveries
            .Where(d => d.CampaignId == campaignId && d.Generation == campaign.Generation && d.Status == DeliveryStatus.Failed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.Queued)
                .SetProperty(d => d.Attempts, 0)
                .SetProperty(d => d.NotBefore, 0L)
                .SetProperty(d => d.LeaseOwner, (string?)null)
                .SetProperty(d => d.LeaseUntil, 0L)
                .SetProperty(d => d.UpdatedAt, now.ToUnixTimeMilliseconds()), cancellationToken);
        if (requeued == 0) return CampaignCommandResult.Conflict("There are no failed deliveries to retry.");
        var nextState = campaign.State == CampaignState.Finished ? CampaignState.Pending : campaign.State;
        var moved = await db.Campaigns
            .Where(c => c.Id == campaignId && c.Generation == campaign.Generation && c.State == campaign.State)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Progress.Failed, c => c.Progress.Failed - requeued)
                .SetProperty(c => c.State, nextState)
                .SetProperty(c => c.UpdatedAt, now), cancellationToken);
        if (moved != 1) return CampaignCommandResult.Conflict("The campaign changed state meanwhile and cannot be retried; look again.");
        await transaction.CommitAsync(cancellationToken);
        Changed(campaignId, true);
        return CampaignCommandResult.DoneIn(nextState);
    }

    /// <summary>
    /// A schedule firing: Idle becomes Pending, unless the start comes later than the campaign's
    /// MaxStartDelayMinutes allows (then it stays Idle with the reason). Either way the schedule is
    /// consumed, once: another instance firing the same schedule changes nothing.
    /// </summary>
    public async Task<bool> StartScheduledAsync(int campaignId, DateTimeOffset scheduledAt, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var campaign = await db.Campaigns.AsNoTracking()
            .Where(c => c.Id == campaignId)
            .Select(c => new { c.State, c.ScheduleConsumed, c.ScheduleAt, c.MaxStartDelayMinutes })
            .FirstOrDefaultAsync(cancellationToken);
        if (campaign is null || campaign.State != CampaignState.Idle || campaign.ScheduleConsumed
            || campaign.ScheduleAt?.ToUnixTimeMilliseconds() != scheduledAt.ToUnixTimeMilliseconds())
            return false;

        var now = time.GetUtcNow();
        var late = now - scheduledAt;
        var state = CampaignState.Pending;
        string? reason = null;
        if (campaign.MaxStartDelayMinutes is { } maxDelay && late > TimeSpan.FromMinutes(maxDelay))
        {
            state = CampaignState.Idle;
            reason = $"Not started: it came up {late.TotalMinutes:0} minutes after its scheduled time {scheduledAt:u}, more than the {maxDelay} minutes allowed.";
            logger.LogWarning("Campaign {CampaignId} missed its schedule by {Minutes:0} minutes and stays Idle", campaignId, late.TotalMinutes);
        }
        var changed = await db.Campaigns
            .Where(c => c.Id == campaignId && c.State == CampaignState.Idle && !c.ScheduleConsumed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.State, state)
                .SetProperty(c => c.StateReason, reason)
                .SetProperty(c => c.ScheduleConsumed, true)
                .SetProperty(c => c.UpdatedAt, now), cancellationToken) == 1;
        if (changed && state == CampaignState.Pending)
            logger.LogInformation("Campaign {CampaignId} is due and now Pending", campaignId);
        return Changed(campaignId, changed);
    }

    private bool Changed(int campaignId, bool changed)
    {
        if (changed)
        {
            progress.MarkStateChanged(campaignId);
            engine.Wake();
        }
        return changed;
    }
}
