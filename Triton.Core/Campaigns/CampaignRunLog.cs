using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Campaigns;

/// <summary>The execution history: one row per Run or resume, closed with its outcome.</summary>
public sealed class CampaignRunLog(IDbContextFactory<TritonDbContext> contexts, TimeProvider time)
{
    public async Task<long> StartAsync(int campaignId, int generation, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var run = new CampaignRun { CampaignId = campaignId, Generation = generation, StartedAt = time.GetUtcNow(), Outcome = RunOutcome.Running };
        db.CampaignRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        return run.Id;
    }

    /// <summary>
    /// The run a session works for: the newest of this generation, which its start created (a
    /// restart continues it). A pause racing the start may already have closed it: a session never
    /// opens a second run for the same start.
    /// </summary>
    public async Task<long> CurrentOrStartAsync(int campaignId, int generation, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var latest = await db.CampaignRuns
            .Where(r => r.CampaignId == campaignId && r.Generation == generation)
            .OrderByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken);
        return latest ?? await StartAsync(campaignId, generation, cancellationToken);
    }

    /// <summary>Closes the open run inside the caller's context, so a state change can close it in its own transaction.</summary>
    internal static Task<int> EndOpenRunAsync(TritonDbContext db, int campaignId, RunOutcome outcome, string? error, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        db.CampaignRuns
            .Where(r => r.CampaignId == campaignId && r.Outcome == RunOutcome.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Outcome, outcome).SetProperty(r => r.EndedAt, now).SetProperty(r => r.Error, error), cancellationToken);
}
