using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Sending;
using Triton.Core.Templates;

namespace Triton.Core.Campaigns;

/// <summary>
/// Run, Pause, Stop and retry-failed as a user asks for them: checked against the campaign's state,
/// then applied by <see cref="CampaignTransitions"/> (the one writer of campaign state, which also
/// wakes the engine). Pause halts the local session before answering, so no new message starts after
/// the answer.
/// </summary>
public sealed class CampaignCommands(
    IDbContextFactory<TritonDbContext> contexts,
    CampaignTransitions transitions,
    JobBoard board,
    TemplateCompiler compiler,
    TemplateCache templates) : ICampaignCommands
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
        return CampaignCommandResult.DoneIn(CampaignState.Pending);
    }

    public async Task<CampaignCommandResult> PauseAsync(int campaignId, CancellationToken cancellationToken)
    {
        if (!await transitions.MoveAsync(campaignId, Pausable, CampaignState.Paused, null, cancellationToken, endRun: RunOutcome.Paused))
            return await ConflictAsync(campaignId, "paused", cancellationToken);
        return Halted(campaignId, CampaignState.Paused);
    }

    public async Task<CampaignCommandResult> StopAsync(int campaignId, CancellationToken cancellationToken)
    {
        if (!await transitions.ResetAsync(campaignId, Stoppable, cancellationToken))
            return await ConflictAsync(campaignId, "stopped", cancellationToken);
        return Halted(campaignId, CampaignState.Idle);
    }

    public Task<CampaignCommandResult> RetryFailedAsync(int campaignId, CancellationToken cancellationToken) =>
        transitions.RequeueFailedAsync(campaignId, Retryable, cancellationToken);

    /// <summary>After Pause or Stop (which closed the run and woke the engine): no new message starts here.</summary>
    private CampaignCommandResult Halted(int campaignId, CampaignState state)
    {
        board.Find(campaignId)?.Halt();
        return CampaignCommandResult.DoneIn(state);
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
