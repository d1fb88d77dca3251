namespace Triton.Core.Mail;

/// <summary>A transport as the API and the admin form submit it. Password is write-only.</summary>
public sealed class TransportInput
{
    public string? Name { get; set; }

    /// <summary>smtp or pickup.</summary>
    public string? Kind { get; set; }
    public string? Host { get; set; }
    public int? Port { get; set; }

    /// <summary>none, starttls or tls; starttls when omitted.</summary>
    public string? Security { get; set; }
    public string? Username { get; set; }

    /// <summary>
    /// Stored encrypted and bound to the host, port, username and security it was entered with. An update without it
    /// keeps the stored one, only while those four stay the same; "" removes it.
    /// </summary>
    public string? Password { get; set; }
    public string? PickupDirectory { get; set; }
    public int? MaxConnections { get; set; }
    public int? MaxMessagesPerConnection { get; set; }
    public double? RatePerSecond { get; set; }

    /// <summary>A sliding-window quota: at most WindowMessages in any WindowSeconds; 0 or omitted turns it off.</summary>
    public int? WindowMessages { get; set; }
    public int? WindowSeconds { get; set; }
    /// <summary>The domain messages are signed for (d=); signing needs the domain, the selector and a key.</summary>
    public string? DkimDomain { get; set; }

    /// <summary>The DKIM selector (s=): the key is published at selector._domainkey.domain.</summary>
    public string? DkimSelector { get; set; }

    /// <summary>An RSA private key in PEM, stored encrypted. Write-only: omitted keeps the stored key, "" removes it.</summary>
    public string? DkimPrivateKey { get; set; }
    public bool? AcceptSelfSignedCertificate { get; set; }
    public bool? AllowAuthWithoutTls { get; set; }
    public string? Group { get; set; }
}
