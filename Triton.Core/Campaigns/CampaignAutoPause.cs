using Microsoft.Extensions.Logging;
using Triton.Core.Domain;
using Triton.Core.Sending;

namespace Triton.Core.Campaigns;

/// <summary>A campaign pausing itself (too many errors, a transport or storage failure), saying why.</summary>
public sealed class CampaignAutoPause(CampaignTransitions transitions, ILogger<CampaignAutoPause> logger)
{
    public async Task PauseAsync(CampaignSession session, string reason, CancellationToken cancellationToken)
    {
        session.Halt();
        var paused = await transitions.MoveAsync(session.CampaignId, [CampaignState.Running, CampaignState.Pending], CampaignState.Paused, reason, cancellationToken,
            session.Generation, RunOutcome.AutoPaused);
        session.PauseWritten();
        if (!paused) return;
        logger.LogWarning("Campaign {CampaignId} paused itself: {Reason}", session.CampaignId, reason);
    }
}
