using Triton.Core.Domain;

namespace Triton.Core.Campaigns;

public enum CommandStatus { Done, NotFound, Conflict, Invalid }

/// <summary>
/// The answer to Run / Pause / Stop / retry-failed: done, or why not. A command that moved the campaign says
/// where to (<see cref="State"/>), so a page can show it at once instead of waiting to read it back.
/// </summary>
public sealed record CampaignCommandResult(CommandStatus Status, string? Reason = null, CampaignState? State = null)
{
    public static readonly CampaignCommandResult Done = new(CommandStatus.Done);
    public static readonly CampaignCommandResult NotFound = new(CommandStatus.NotFound, "No such campaign.");
    public static CampaignCommandResult Conflict(string reason) => new(CommandStatus.Conflict, reason);
    public static CampaignCommandResult Invalid(string reason) => new(CommandStatus.Invalid, reason);

    /// <summary>Done, and the campaign is in <paramref name="state"/> as of the command's own write.</summary>
    public static CampaignCommandResult DoneIn(CampaignState state) => new(CommandStatus.Done, State: state);
}
