namespace Triton.Core.Bounces;

public enum MailboxProtocol { Imap, Pop3 }

public enum MailboxSecurity { None, StartTls, Tls, Auto }

/// <summary>The "Bounces" section: the mailbox bounces to Mail:BounceAddress land in, polled over IMAP or POP3.</summary>
public sealed class BounceOptions
{
    public const string Section = "Bounces";

    /// <summary>The IMAP inbox's name, which every server knows (RFC 3501), whatever its case.</summary>
    public const string Inbox = "INBOX";

    /// <summary>Unset: no mailbox is polled (5xx replies at SMTP still mark and suppress at once).</summary>
    public string? Host { get; set; }

    /// <summary>0: the protocol's default for the security (IMAP 143/993, POP3 110/995).</summary>
    public int Port { get; set; }
    public string? Username { get; set; }

    /// <summary>Never logged.</summary>
    public string? Password { get; set; }
    public MailboxProtocol Protocol { get; set; } = MailboxProtocol.Imap;
    public MailboxSecurity Security { get; set; } = MailboxSecurity.Auto;
    public int PollSeconds { get; set; } = 60;

    /// <summary>The IMAP folder bounces land in; POP3 reads the inbox.</summary>
    public string Folder { get; set; } = Inbox;

    /// <summary>Only for a test server with a self-signed certificate.</summary>
    public bool AcceptSelfSignedCertificate { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public override string ToString() => $"{Protocol} {Username}@{Host}:{Port}"; // no password, whatever logs it
}
