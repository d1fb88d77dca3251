namespace Triton.Core.Bounces;

/// <summary>The bounce mailbox's settings as the API and the settings page submit them. Password is write-only.</summary>
public sealed class BounceMailboxInput
{
    /// <summary>False (or omitted): no mailbox is polled; the other values are kept for later.</summary>
    public bool? Enabled { get; set; }
    public string? Host { get; set; }

    /// <summary>Omitted: the protocol's default for the security (IMAP 143/993, POP3 110/995).</summary>
    public int? Port { get; set; }
    public string? Username { get; set; }

    /// <summary>
    /// Stored encrypted and bound to the host, port, username, protocol and security it was entered with. Omitted keeps
    /// the password in force (saved, or from the configuration), only while those five stay the same; "" removes it.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>imap or pop3; imap when omitted.</summary>
    public string? Protocol { get; set; }

    /// <summary>none, starttls, tls or auto; auto when omitted.</summary>
    public string? Security { get; set; }

    /// <summary>The IMAP folder to read; INBOX when omitted. POP3 reads the inbox only.</summary>
    public string? Folder { get; set; }

    /// <summary>Seconds between polls; 60 when omitted.</summary>
    public int? PollSeconds { get; set; }
    public bool? AcceptSelfSignedCertificate { get; set; }
}
