using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Domain;
using Triton.Core.Mail.Dkim;
using Triton.Core.Mail.Mime;
using Triton.Core.Mail.Smtp;

namespace Triton.Core.Mail;

/// <summary>Builds the SMTP client options and transport of one Transport row (password decrypted for its destination).</summary>
public sealed class SmtpTransportBuilder(
    IOptions<MailOptions> options,
    MimeMessageBuilder builder,
    ILoggerFactory loggerFactory,
    TimeProvider time,
    TransportPasswords? passwords = null)
{
    public SmtpClientOptions ClientOptions(Transport transport)
    {
        if (string.IsNullOrWhiteSpace(transport.Host))
            throw new ArgumentException($"Transport '{transport.Name}' has no host.", nameof(transport));
        string? password = null;
        if (!string.IsNullOrEmpty(transport.ProtectedPassword))
        {
            if (passwords is null)
                throw new InvalidOperationException("No ISecretProtector is registered: the SMTP password cannot be decrypted.");
            // Opens only for the destination the password was entered for, whatever the row says now.
            password = passwords.Reveal(transport.ProtectedPassword, SmtpDestination.Of(transport));
        }
        var mail = options.Value;
        return new SmtpClientOptions
        {
            Host = transport.Host,
            Port = transport.Port,
            Security = transport.Security,
            Username = string.IsNullOrEmpty(transport.Username) ? null : transport.Username,
            Password = password,
            AcceptSelfSignedCertificate = transport.AcceptSelfSignedCertificate,
            AllowAuthWithoutTls = transport.AllowAuthWithoutTls,
            HeloName = string.IsNullOrWhiteSpace(mail.HeloName) ? Environment.MachineName : mail.HeloName,
            ConnectTimeout = mail.ConnectTimeout,
            ReplyTimeout = mail.ReplyTimeout,
            DataTimeout = mail.DataTimeout,
        };
    }

    /// <summary>The row's DKIM signer; null unless its domain, selector and key are all set.</summary>
    /// <exception cref="InvalidOperationException">The stored key cannot be decrypted or parsed.</exception>
    public MessageSigner? Signer(Transport transport)
    {
        if (string.IsNullOrEmpty(transport.DkimDomain) || string.IsNullOrEmpty(transport.DkimSelector) || string.IsNullOrEmpty(transport.ProtectedDkimPrivateKey))
            return null;
        if (passwords is null)
            throw new InvalidOperationException("No ISecretProtector is registered: the DKIM key cannot be decrypted.");
        try
        {
            return new MessageSigner(transport.DkimDomain, transport.DkimSelector, passwords.RevealDkimKey(transport.ProtectedDkimPrivateKey));
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException)
        {
            throw new InvalidOperationException($"Transport '{transport.Name}': the stored DKIM key cannot be used ({ex.Message}).", ex);
        }
    }

    /// <summary>The transport of a row, paced by <paramref name="rateLimiter"/>, which the caller owns.</summary>
    public SmtpTransport Build(Transport transport, TransportRateLimiter rateLimiter) =>
        new SmtpTransport(
            ClientOptions(transport),
            new SmtpPoolOptions(transport.MaxConnections, transport.MaxMessagesPerConnection, options.Value.IdleTimeout),
            builder,
            Signer(transport),
            rateLimiter,
            loggerFactory.CreateLogger<SmtpTransport>(),
            time);
}
