using System.Text.Json;

namespace Triton.Core.Campaigns;

/// <summary>What a campaign is previewed or test-sent as: the API's body and the campaign page's test form alike.</summary>
public sealed record CampaignTestInput
{
    /// <summary>Where a test message goes (test sends only).</summary>
    public string? Email { get; init; }

    /// <summary>A JSON object laid over the campaign's custom variables.</summary>
    public JsonElement? Variables { get; init; }

    /// <summary>email, user_id and list columns to render as, given by value (a JSON object).</summary>
    public JsonElement? AsRecipient { get; init; }

    /// <summary>A recipient of the campaign's list to render as. Without it or <see cref="AsRecipient"/>: the list's first recipient.</summary>
    public long? RecipientId { get; init; }

    /// <summary>Which of the campaign's subjects (0-based; clamped to the last).</summary>
    public int SubjectIndex { get; init; }
}
