using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Triton.Core.Mail;

namespace Triton.Core.Bounces;

/// <summary>Where a bounce mailbox password is sent: the host, port, username, protocol and security it was entered with.</summary>
public sealed record MailboxDestination(string? Host, int Port, string? Username, MailboxProtocol Protocol, MailboxSecurity Security);

/// <summary>
/// The bounce mailbox's saved password at rest, sealed together with its <see cref="MailboxDestination"/> as
/// <see cref="TransportPasswords"/> seals SMTP passwords: it opens only for the mailbox it was entered for.
/// </summary>
public sealed class BounceMailboxPasswords(ISecretProtector protector)
{
    private const string Prefix = "mailbox:";

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    private sealed record Sealed(MailboxDestination Destination, string Password);

    public string Protect(string password, MailboxDestination destination) =>
        Prefix + protector.Protect(JsonSerializer.Serialize(new Sealed(destination, password), Json));

    /// <summary>The password, for the destination it was entered for.</summary>
    /// <exception cref="StoredPasswordDestinationException">It was entered for another destination.</exception>
    /// <exception cref="CryptographicException">It cannot be decrypted (another key ring, a damaged value).</exception>
    public string Reveal(string stored, MailboxDestination destination)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal)) throw new CryptographicException("The stored value is not a mailbox password.");
        Sealed? opened;
        try
        {
            opened = JsonSerializer.Deserialize<Sealed>(protector.Unprotect(stored[Prefix.Length..]), Json);
        }
        catch (JsonException)
        {
            opened = null;
        }
        if (opened?.Destination is null) throw new CryptographicException("The stored password is damaged.");
        if (opened.Destination != destination) throw new StoredPasswordDestinationException();
        return opened.Password;
    }
}
