namespace Triton.Core.Campaigns;

public enum CommandStatus { Done, NotFound, Conflict, Invalid }

/// <summary>The answer to Run / Pause / Stop / retry-failed: done, or why not.</summary>
public sealed record CampaignCommandResult(CommandStatus Status, string? Reason = null)
{
    public static readonly CampaignCommandResult Done = new(CommandStatus.Done);
    public static readonly CampaignCommandResult NotFound = new(CommandStatus.NotFound, "No such campaign.");
    public static CampaignCommandResult Conflict(string reason) => new(CommandStatus.Conflict, reason);
    public static CampaignCommandResult Invalid(string reason) => new(CommandStatus.Invalid, reason);
}
