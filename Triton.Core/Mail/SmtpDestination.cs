using Triton.Core.Domain;

namespace Triton.Core.Mail;

/// <summary>
/// Where an SMTP password goes: the host, port, username and security it was entered with. A stored password is
/// bound to one destination and never sent to another. Hosts compare case-insensitively (DNS names do), the
/// username exactly.
/// </summary>
public sealed record SmtpDestination
{
    public SmtpDestination(string? host, int port, string? username, TransportSecurity security)
    {
        Host = (host ?? "").Trim().ToLowerInvariant();
        Port = port;
        Username = string.IsNullOrEmpty(username) ? null : username;
        Security = security;
    }

    public string Host { get; }
    public int Port { get; }
    public string? Username { get; }
    public TransportSecurity Security { get; }

    public static SmtpDestination Of(Transport transport) => new(transport.Host, transport.Port, transport.Username, transport.Security);
}
