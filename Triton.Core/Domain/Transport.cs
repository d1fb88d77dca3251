namespace Triton.Core.Domain;

public enum TransportKind { Pickup, Smtp }

public enum TransportSecurity { None, StartTls, Tls }

public sealed class Transport
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public TransportKind Kind { get; set; }
    public int? GroupId { get; set; }

    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public TransportSecurity Security { get; set; } = TransportSecurity.StartTls;
    public string? Username { get; set; }

    /// <summary>The SMTP password, encrypted at rest; never returned by the API.</summary>
    public string? ProtectedPassword { get; set; }

    public string? PickupDirectory { get; set; }

    public int MaxConnections { get; set; } = 4;
    public int MaxMessagesPerConnection { get; set; } = 1000;

    /// <summary>Messages per second across every campaign on this transport; 0 means unlimited.</summary>
    public double RatePerSecond { get; set; }

    /// <summary>
    /// At most WindowMessages in any WindowSeconds (a sliding window, e.g. a provider's hourly quota), across every
    /// campaign on this transport, on top of RatePerSecond; 0 in either turns it off.
    /// </summary>
    public int WindowMessages { get; set; }
    public int WindowSeconds { get; set; }

    /// <summary>DKIM: messages are signed when the domain, the selector and the key are all set.</summary>
    public string? DkimDomain { get; set; }
    public string? DkimSelector { get; set; }

    /// <summary>The DKIM private key (PEM), encrypted at rest; never returned by the API.</summary>
    public string? ProtectedDkimPrivateKey { get; set; }

    public bool AcceptSelfSignedCertificate { get; set; }
    public bool AllowAuthWithoutTls { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
