namespace Triton.Core.Mail;

/// <summary>The "Triton:Mail" section.</summary>
public sealed class MailOptions
{
    public const string Section = "Triton:Mail";

    /// <summary>Domain for generated Message-IDs; the From address's domain when unset.</summary>
    public string? MessageIdDomain { get; set; }

    /// <summary>Name announced in EHLO; the machine name when unset.</summary>
    public string? HeloName { get; set; }

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for each SMTP reply.</summary>
    public TimeSpan ReplyTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The whole DATA phase of one message.</summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A pooled SMTP connection unused this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
