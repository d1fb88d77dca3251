using Triton.Core.Domain;

namespace Triton.Core.Mail.Smtp;

/// <summary>How to reach and talk to one SMTP server.</summary>
public sealed record SmtpClientOptions
{
    public required string Host { get; init; }
    public int Port { get; init; } = 25;
    public TransportSecurity Security { get; init; } = TransportSecurity.StartTls;
    public string? Username { get; init; }
    public string? Password { get; init; }
    public bool AcceptSelfSignedCertificate { get; init; }
    public bool AllowAuthWithoutTls { get; init; }

    /// <summary>The name announced in EHLO/HELO.</summary>
    public string HeloName { get; init; } = "localhost";

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for each reply.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The whole DATA phase: sending the content and waiting for the final reply.</summary>
    public TimeSpan DataTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
