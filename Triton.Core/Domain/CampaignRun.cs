namespace Triton.Core.Domain;

public enum RunOutcome { Running, Finished, Paused, Stopped, AutoPaused, Interrupted }

/// <summary>One Run or resume of a campaign: the execution history.</summary>
public sealed class CampaignRun
{
    public long Id { get; set; }
    public int CampaignId { get; set; }
    public int Generation { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public RunOutcome Outcome { get; set; }
    public string? Error { get; set; }
    public long Sent { get; set; }
    public long Failed { get; set; }
}
