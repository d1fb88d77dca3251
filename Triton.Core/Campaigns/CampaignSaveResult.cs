namespace Triton.Core.Campaigns;

/// <summary>The answer to creating, updating or deleting a campaign.</summary>
public abstract record CampaignSaveResult
{
    private CampaignSaveResult() { }

    /// <summary>Done; the campaign's id (the deleted one's, after a delete).</summary>
    public sealed record Saved(int Id) : CampaignSaveResult;

    public sealed record NotFound : CampaignSaveResult;

    /// <summary>The input's errors, by property path as the validator names it (Name, Subjects[0], CustomHeaders['X']).</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : CampaignSaveResult;

    /// <summary>The campaign's state forbids the change (it is Running or Pending).</summary>
    public sealed record Conflict(string Reason) : CampaignSaveResult;
}
