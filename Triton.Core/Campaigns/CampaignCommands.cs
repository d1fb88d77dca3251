using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Sending;
using Triton.Core.Templates;

namespace Triton.Core.Campaigns;

/// <summary>
/// Run, Pause, Stop and retry-failed, each one conditional update in the database. Pause halts the
/// local session before answering, so no new message starts after the answer.
/// </summary>
public sealed class CampaignCommands(
    IDbContextFactory<TritonDbContext> contexts,
    CampaignTransitions transitions,
    CampaignProgressFeed progress,
    JobBoard board,
    CampaignEngine engine,
    TemplateCompiler compiler,
    TemplateCache templates,
    TimeProvider time) : ICampaignCommands
{
    private static readonly CampaignState[] Runnable = [CampaignState.Idle, CampaignState.Paused];
    private static readonly CampaignState[] Pausable = [CampaignState.Pending, CampaignState.Running];
    private static readonly CampaignState[] Stoppable = [CampaignState.Pending, CampaignState.Running, CampaignState.Paused, CampaignState.Finished];
    private static readonly CampaignState[] Retryable = [CampaignState.Running, CampaignState.Paused, CampaignState.Finished];

    public async Task<CampaignCommandResult> RunAsync(int campaignId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is null) return CampaignCommandResult.NotFound;
        if (!Runnable.Contains(campaign.State))
            return CampaignCommandResult.Conflict($"A {campaign.State} campaign cannot be run{(campaign.State == CampaignState.Finished ? "; stop it first to send it again" : "")}.");
        try
        {
            await MessageComposer.CreateAsync(templates, compiler, db, campaign, null, cancellationToken);
        }
        catch (TemplateCompileException exception)
        {
            return CampaignCommandResult.Invalid($"The template does not compile (line {exception.Line}, column {exception.Column}): {exception.Message}");
        }
        if (!await transitions.MoveAsync(campaignId, Runnable, CampaignState.Pending, null, cancellationToken))
            return await ConflictAsync(campaignId, "run", cancellationToken);
        progress.MarkChanged(campaignId);
        engine.Wake();
        return CampaignCommandResult.Done;
    }

    public async Task<CampaignCommandResult> PauseAsync(int campaignId, CancellationToken cancellationToken)
    {
        if (!await transitions.MoveAsync(campaignId, Pausable, CampaignState.Paused, null, cancellationToken, endRun: RunOutcome.Paused))
            return await ConflictAsync(campaignId, "paused", cancellationToken);
        return Halted(campaignId);
    }

    public async Task<CampaignCommandResult> StopAsync(int campaignId, CancellationToken cancellationToken)
    {
        if (!await transitions.ResetAsync(campaignId, Stoppable, cancellationToken))
            return await ConflictAsync(campaignId, "stopped", cancellationToken);
        return Halted(campaignId);
    }

    public async Task<CampaignCommandResult> RetryFailedAsync(int campaignId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is null) return CampaignCommandResult.NotFound;
        if (!Retryable.Contains(campaign.State))
            return CampaignCommandResult.Conflict($"A {campaign.State} campaign has no failed deliveries of this generation to retry.");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var requeued = await db.Deliveries
            .Where(d => d.CampaignId == campaignId && d.Generation == campaign.Generation && d.Status == DeliveryStatus.Failed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.Queued)
                .SetProperty(d => d.Attempts, 0)
                .SetProperty(d => d.NotBefore, 0L)
                .SetProperty(d => d.LeaseOwner, (string?)null)
                .SetProperty(d => d.LeaseUntil, 0L)
                .SetProperty(d => d.UpdatedAt, now), cancellationToken);
        if (requeued == 0)
            return CampaignCommandResult.Conflict("There are no failed deliveries to retry.");
        var nextState = campaign.State == CampaignState.Finished ? CampaignState.Pending : campaign.State;
        var moved = await db.Campaigns
            .Where(c => c.Id == campaignId && c.Generation == campaign.Generation && c.State == campaign.State)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Progress.Failed, c => c.Progress.Failed - requeued)
                .SetProperty(c => c.State, nextState), cancellationToken);
        if (moved != 1) return await ConflictAsync(campaignId, "retried", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        progress.MarkChanged(campaignId);
        engine.Wake();
        return CampaignCommandResult.Done;
    }

    /// <summary>After Pause or Stop (which closed the run): no new message starts here, the engine looks now.</summary>
    private CampaignCommandResult Halted(int campaignId)
    {
        board.Find(campaignId)?.Halt();
        progress.MarkChanged(campaignId);
        engine.Wake();
        return CampaignCommandResult.Done;
    }

    private async Task<CampaignCommandResult> ConflictAsync(int campaignId, string action, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var state = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => (CampaignState?)c.State).FirstOrDefaultAsync(cancellationToken);
        return state is null
            ? CampaignCommandResult.NotFound
            : CampaignCommandResult.Conflict($"The campaign is {state} and cannot be {action}.");
    }
}
