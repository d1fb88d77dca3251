using Triton.Core.Bounces;

namespace Triton.Core.Domain;

/// <summary>
/// The bounce mailbox as an admin saved it on the settings page (one row): once it exists it replaces the
/// Bounces section of the configuration whole, so what the page shows is what is polled.
/// </summary>
public sealed class BounceMailboxSettings
{
    public int Id { get; set; }

    /// <summary>False: no mailbox is polled, whatever the configuration says; the other fields are kept for later.</summary>
    public bool Enabled { get; set; }
    public string? Host { get; set; }

    /// <summary>0: the protocol's default for the security, as Bounces:Port.</summary>
    public int Port { get; set; }
    public string? Username { get; set; }

    /// <summary>Encrypted and bound to the host, port, username, protocol and security it was entered for (BounceMailboxPasswords).</summary>
    public string? ProtectedPassword { get; set; }
    public MailboxProtocol Protocol { get; set; }
    public MailboxSecurity Security { get; set; }

    /// <summary>The IMAP folder read (POP3 has only the inbox).</summary>
    public string Folder { get; set; } = BounceOptions.Inbox;
    public int PollSeconds { get; set; }
    public bool AcceptSelfSignedCertificate { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
