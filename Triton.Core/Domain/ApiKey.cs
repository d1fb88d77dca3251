namespace Triton.Core.Domain;

public sealed class ApiKey
{
    public int Id { get; set; }
    public required string Name { get; set; }

    /// <summary>The first characters of the key, shown to tell keys apart.</summary>
    public required string Prefix { get; set; }

    /// <summary>SHA-256 of the whole key, hex; the key itself is never stored.</summary>
    public required string Hash { get; set; }

    /// <summary>What the key may do; keys from before scopes existed are Admin.</summary>
    public ApiScope Scope { get; set; } = ApiScope.Admin;

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>After this moment the key no longer authenticates; null: never expires.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>When an admin revoked the key; a revoked key never authenticates again.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

/// <summary>
/// What an API key may do, each including the one before: Read (GET only), Send (read, plus campaign
/// run, pause, stop, retry-failed, preview and test sends, and posting events), Admin (everything).
/// </summary>
public enum ApiScope
{
    Read = 0,
    Send = 1,
    Admin = 2,
}
