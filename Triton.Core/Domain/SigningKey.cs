namespace Triton.Core.Domain;

/// <summary>
/// A secret that signs the tokens Triton puts in links and addresses (open pixel, click redirect,
/// unsubscribe, VERP return path). Kept in the database, encrypted, so every instance signs and
/// verifies with the same key.
/// </summary>
public sealed class SigningKey
{
    public int Id { get; set; }

    /// <summary>What the key signs; one key per purpose.</summary>
    public required string Purpose { get; set; }

    /// <summary>The key's bytes, base64, encrypted with the instance-shared secret protector.</summary>
    public required string ProtectedKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
