using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Triton.Core.Domain;

namespace Triton.Core.Mail;

/// <summary>
/// SMTP passwords at rest, each sealed together with its <see cref="SmtpDestination"/>: a stored password opens
/// only for the destination it was entered for, so even a row edited behind Triton's back cannot send it elsewhere.
/// </summary>
public sealed class TransportPasswords(ISecretProtector protector)
{
    // Bound secrets carry this prefix. Secrets stored before binding are bare protected passwords (Data Protection
    // payloads never contain a colon): they stay usable for their row's destination until the next save binds them.
    private const string BoundPrefix = "bound:";

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    private sealed record Sealed(string Host, int Port, string? Username, TransportSecurity Security, string Password)
    {
        [JsonIgnore]
        public SmtpDestination Destination => new(Host, Port, Username, Security);
    }

    /// <summary>A DKIM private key (PEM) at rest. It signs only for the domain in the signature, so it is not bound.</summary>
    public string ProtectDkimKey(string privateKeyPem) => DkimPrefix + protector.Protect(privateKeyPem);

    /// <exception cref="CryptographicException">It cannot be decrypted (another key ring, a damaged value).</exception>
    public string RevealDkimKey(string stored) =>
        stored.StartsWith(DkimPrefix, StringComparison.Ordinal)
            ? protector.Unprotect(stored[DkimPrefix.Length..])
            : throw new CryptographicException("The stored value is not a DKIM key.");

    private const string DkimPrefix = "dkim:";

    public string Protect(string password, SmtpDestination destination) =>
        BoundPrefix + protector.Protect(JsonSerializer.Serialize(
            new Sealed(destination.Host, destination.Port, destination.Username, destination.Security, password), Json));

    /// <summary>The password, for the destination it was entered for.</summary>
    /// <exception cref="StoredPasswordDestinationException">It was entered for another destination.</exception>
    /// <exception cref="CryptographicException">It cannot be decrypted (another key ring, a damaged value).</exception>
    public string Reveal(string stored, SmtpDestination destination)
    {
        if (!IsBound(stored)) return protector.Unprotect(stored);
        var opened = Open(stored);
        if (opened.Destination != destination) throw new StoredPasswordDestinationException();
        return opened.Password;
    }

    /// <summary>
    /// The secret to store when a save keeps the password: an older unbound one is bound to the destination it was
    /// stored with; a bound one stays as it is (it opens for its own destination only, whatever the row says).
    /// </summary>
    public string Keep(string stored, SmtpDestination storedWith)
    {
        if (IsBound(stored)) return stored;
        try
        {
            return Protect(protector.Unprotect(stored), storedWith);
        }
        catch (CryptographicException)
        {
            // Unreadable with this key ring: it cannot be sent anywhere, so there is nothing to bind.
            return stored;
        }
    }

    public static bool IsBound(string stored) => stored.StartsWith(BoundPrefix, StringComparison.Ordinal);

    private Sealed Open(string stored)
    {
        try
        {
            return JsonSerializer.Deserialize<Sealed>(protector.Unprotect(stored[BoundPrefix.Length..]), Json)
                ?? throw new CryptographicException("The stored password is damaged.");
        }
        catch (JsonException)
        {
            throw new CryptographicException("The stored password is damaged.");
        }
    }
}

/// <summary>A stored password was asked for a destination other than the one it was entered for.</summary>
public sealed class StoredPasswordDestinationException()
    : InvalidOperationException("The stored password was entered for another host/port/username/security: enter it again.");
