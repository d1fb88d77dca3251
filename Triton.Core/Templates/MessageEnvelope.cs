using Triton.Core.Bounces;
using Triton.Core.Suppressions;

namespace Triton.Core.Templates;

/// <summary>
/// The per-message addresses a sender adds to a composed message: the signed unsubscribe link (for
/// <c>{{unsubscribeUrl}}</c> and, on campaign mail, the RFC 8058 List-Unsubscribe headers), an
/// optional unsubscribe mailto, and the VERP return path bounces come back to.
/// </summary>
public sealed record MessageEnvelope(string? UnsubscribeUrl, string? UnsubscribeMailto, string? ReturnPath, bool ListUnsubscribeHeaders)
{
    /// <summary>
    /// A campaign delivery's envelope, signed with the run's keys: the recipient's unsubscribe link and headers, the
    /// delivery's unsubscribe mailto and its VERP return path.
    /// </summary>
    public static MessageEnvelope ForCampaignDelivery(UnsubscribeLinks? unsubscribe, ReturnPathSigner? returnPaths, int campaignId,
        long deliveryId, string email) => new(
        unsubscribe?.ForCampaign(campaignId, email),
        unsubscribe?.MailtoFor(deliveryId),
        returnPaths?.ForDelivery(deliveryId),
        ListUnsubscribeHeaders: true);

    /// <summary>The List-Unsubscribe headers, when there is a link or a mailto to put in them.</summary>
    public IEnumerable<KeyValuePair<string, string>> Headers()
    {
        if (!ListUnsubscribeHeaders) yield break;
        var targets = new List<string>(2);
        // RFC 8058 one-click needs an https (or http) URI; a relative link (no public URL) cannot be one.
        var oneClick = UnsubscribeUrl is not null && Uri.TryCreate(UnsubscribeUrl, UriKind.Absolute, out _);
        if (oneClick) targets.Add($"<{UnsubscribeUrl}>");
        if (UnsubscribeMailto is not null) targets.Add($"<mailto:{UnsubscribeMailto}?subject=unsubscribe>");
        if (targets.Count == 0) yield break;
        yield return new("List-Unsubscribe", string.Join(", ", targets));
        if (oneClick) yield return new("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }
}
