using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core.Bounces;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Tracking;

namespace Triton.Core.Suppressions;

/// <summary>Who an unsubscribe token is about: the address and where the mail came from ("campaign 12").</summary>
public sealed record UnsubscribeTarget(string Email, string Source);

/// <summary>
/// Unsubscribe links and their confirmation. A token is signed for the purpose "unsubscribe" over
/// "c:{campaign id}:{email}" (campaign mail) or "t:{trigger id}:{email}" (transactional mail), which
/// stays valid after a campaign is stopped or deleted; the mailto of List-Unsubscribe signs
/// "d{delivery id}" instead, short enough for a local part.
/// </summary>
public sealed class Unsubscribes(
    TokenSigner signer,
    SuppressionService suppressions,
    IDbContextFactory<TritonDbContext> contexts,
    IOptions<TritonOptions> triton,
    IOptions<ReturnPathOptions> returnPath)
{
    public const string Purpose = "unsubscribe";

    /// <summary>The link maker of one run: the key is loaded here, once, never per message.</summary>
    public async Task<UnsubscribeLinks> ForRunAsync(CancellationToken cancellationToken)
    {
        var key = await signer.KeyForAsync(Purpose, cancellationToken);
        var baseUrl = triton.Value.PublicBaseUrl ?? "";
        var mailbox = returnPath.Value.TrySplit(out var local, out var domain) ? (local, domain) : ((string, string)?)null;
        return new UnsubscribeLinks(key, baseUrl, mailbox);
    }

    /// <summary>Who the token is about, or null when it is malformed, tampered with or names nothing: changes nothing.</summary>
    public async Task<UnsubscribeTarget?> ResolveAsync(string token, CancellationToken cancellationToken)
    {
        var payload = (await signer.KeyForAsync(Purpose, cancellationToken)).OpenText(token);
        if (payload is null) return null;
        if (payload.Length > 1 && payload[0] == 'd' && long.TryParse(payload.AsSpan(1), out var deliveryId))
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var delivery = await db.Deliveries.AsNoTracking().Where(d => d.Id == deliveryId)
                .Select(d => new { d.Email, d.CampaignId }).FirstOrDefaultAsync(cancellationToken);
            return delivery is null ? null : new UnsubscribeTarget(delivery.Email, "campaign " + delivery.CampaignId);
        }
        var parts = payload.Split(':', 3);
        if (parts.Length != 3 || !int.TryParse(parts[1], out var sourceId) || parts[2].Length == 0) return null;
        return parts[0] switch
        {
            "c" => new UnsubscribeTarget(parts[2], "campaign " + sourceId),
            "t" => new UnsubscribeTarget(parts[2], "trigger " + sourceId),
            _ => null,
        };
    }

    /// <summary>Puts the token's address on the suppression list (reason unsubscribed); null when the token is not valid.</summary>
    public async Task<UnsubscribeTarget?> UnsubscribeAsync(string token, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(token, cancellationToken) is not { } target) return null;
        await suppressions.SuppressAsync([(target.Email, SuppressionReason.Unsubscribed)], target.Source, cancellationToken);
        return target;
    }
}

/// <summary>One run's unsubscribe links: signs without touching the database.</summary>
public sealed class UnsubscribeLinks(TokenKey key, string baseUrl, (string Local, string Domain)? mailbox)
{
    /// <summary>Absolute when Triton:PublicUrl is set; otherwise relative to wherever Triton is reached.</summary>
    public string ForCampaign(int campaignId, string email) => Url($"c:{campaignId}:{email}");

    public string ForTrigger(int triggerId, string email) => Url($"t:{triggerId}:{email}");

    /// <summary>The mailto address of a delivery's List-Unsubscribe, when a bounce mailbox is configured.</summary>
    public string? MailtoFor(long deliveryId) =>
        mailbox is { } box ? $"{box.Local}+{key.Sign("d" + deliveryId)}@{box.Domain}" : null;

    private string Url(string payload) => $"{baseUrl}/u/{key.Sign(payload)}";
}
