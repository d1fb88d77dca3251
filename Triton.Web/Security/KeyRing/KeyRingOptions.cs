namespace Triton.Web.Security.KeyRing;

/// <summary>Triton:KeyRing: how the Data Protection keys are protected in the database.</summary>
public sealed class KeyRingOptions
{
    public const string Section = "Triton:KeyRing";

    /// <summary>Shortest accepted <see cref="EncryptionKey"/>.</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>
    /// A secret (at least 32 characters, e.g. the output of 'openssl rand -base64 32') that encrypts
    /// each Data Protection key in the database with AES-256-GCM. Keep it outside the database and its
    /// backups (an environment variable or a secret store). Empty: the keys are stored unencrypted, and
    /// anyone with a copy of the database can decrypt the SMTP passwords in it.
    /// </summary>
    public string? EncryptionKey { get; set; }

    public bool Encrypts => !string.IsNullOrEmpty(EncryptionKey);
}
