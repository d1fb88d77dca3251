using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Mail.Dkim;

/// <summary>What to publish in DNS for a transport's DKIM key.</summary>
public sealed record DkimPublication(string Selector, string DnsName, string DnsRecord);

/// <summary>The outcome of asking for a new key: the record to publish, or why there is none.</summary>
public sealed record DkimKeyResult(DkimPublication? Publication, string? Field, string? Error);

/// <summary>
/// Generates a transport's DKIM key pair: the private key is stored encrypted on the row (the row's transport
/// is rebuilt and signs with it from the next message), the public half is returned as the TXT record to publish.
/// The API route and the admin page both call this.
/// </summary>
public sealed class TransportDkimKeys(TransportPasswords passwords, TimeProvider time)
{
    /// <returns>Null when the transport does not exist.</returns>
    public async Task<DkimKeyResult?> GenerateAsync(TritonDbContext db, int transportId, string? selector, CancellationToken cancellationToken)
    {
        var transport = await db.Transports.FirstOrDefaultAsync(t => t.Id == transportId, cancellationToken);
        if (transport is null) return null;
        if (string.IsNullOrEmpty(transport.DkimDomain))
            return new DkimKeyResult(null, "dkimDomain", "Set the transport's DKIM domain before generating a key.");
        selector = string.IsNullOrWhiteSpace(selector) ? transport.DkimSelector : selector.Trim();
        if (string.IsNullOrEmpty(selector)) selector = "triton" + time.GetUtcNow().ToString("yyyyMM", System.Globalization.CultureInfo.InvariantCulture);
        if (!DkimNames.IsSelector(selector) || selector.Length > 63)
            return new DkimKeyResult(null, "dkimSelector", "'Dkim Selector' must be letters, digits, '-', '_' or '.'.");

        var pair = DkimKeys.Generate();
        transport.DkimSelector = selector;
        transport.ProtectedDkimPrivateKey = passwords.ProtectDkimKey(pair.PrivateKeyPem);
        var now = time.GetUtcNow();
        // The registry rebuilds a row's transport when UpdatedAt moves.
        transport.UpdatedAt = now > transport.UpdatedAt ? now : transport.UpdatedAt.AddTicks(1);
        await db.SaveChangesAsync(cancellationToken);
        return new DkimKeyResult(Publication(transport.DkimDomain, selector, pair.DnsRecord), null, null);
    }

    /// <summary>The record of the row's stored key; null when it has none (or it cannot be opened).</summary>
    public DkimPublication? PublicationOf(Transport transport)
    {
        if (transport.DkimDomain is not { Length: > 0 } domain || transport.DkimSelector is not { Length: > 0 } selector
            || transport.ProtectedDkimPrivateKey is not { Length: > 0 } stored)
            return null;
        try
        {
            return Publication(domain, selector, DkimKeys.DnsRecord(passwords.RevealDkimKey(stored)));
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    private static DkimPublication Publication(string domain, string selector, string record) =>
        new(selector, DkimKeys.DnsName(selector, domain), record);
}
