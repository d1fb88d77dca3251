using Microsoft.Extensions.Options;
using Triton.Core.Tracking;

namespace Triton.Core.Bounces;

/// <summary>What a VERP address names: a campaign delivery or a transactional message.</summary>
public enum BounceSubject { Delivery, Message }

public readonly record struct BounceTarget(BounceSubject Subject, long Id);

/// <summary>
/// Makes and reads the VERP addresses bounces come back to: bounces+{token}@domain, the token signed
/// for the purpose "bounce" over "d{delivery id}" or "m{message id}", short enough for a local part.
/// </summary>
public sealed class ReturnPaths(TokenSigner signer, IOptions<ReturnPathOptions> options)
{
    public const string Purpose = "bounce";

    /// <summary>The signer of one run (the key loaded once), or null when no bounce address is configured.</summary>
    public async Task<ReturnPathSigner?> ForRunAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.TrySplit(out var local, out var domain)) return null;
        return new ReturnPathSigner(await signer.KeyForAsync(Purpose, cancellationToken), local, domain);
    }

    /// <summary>The delivery or message an address (bounces+token@domain) names, or null when it names none or was tampered with.</summary>
    public async Task<BounceTarget?> OpenAsync(string address, CancellationToken cancellationToken)
    {
        if (TokenOf(address) is not { } token) return null;
        var payload = (await signer.KeyForAsync(Purpose, cancellationToken)).OpenText(token);
        return Parse(payload);
    }

    /// <summary>The part between '+' and '@' of a VERP address.</summary>
    public static string? TokenOf(string address)
    {
        var at = address.LastIndexOf('@');
        var local = at < 0 ? address : address[..at];
        var plus = local.IndexOf('+');
        return plus < 0 || plus == local.Length - 1 ? null : local[(plus + 1)..];
    }

    internal static BounceTarget? Parse(string? payload)
    {
        if (payload is not { Length: > 1 } || !long.TryParse(payload.AsSpan(1), out var id)) return null;
        return payload[0] switch
        {
            'd' => new BounceTarget(BounceSubject.Delivery, id),
            'm' => new BounceTarget(BounceSubject.Message, id),
            _ => null,
        };
    }
}

/// <summary>One run's VERP signer: signs without touching the database.</summary>
public sealed class ReturnPathSigner(TokenKey key, string local, string domain)
{
    public string ForDelivery(long deliveryId) => $"{local}+{key.Sign("d" + deliveryId)}@{domain}";

    public string ForMessage(long messageId) => $"{local}+{key.Sign("m" + messageId)}@{domain}";
}
