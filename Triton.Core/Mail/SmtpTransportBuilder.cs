using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Domain;
using Triton.Core.Mail.Mime;
using Triton.Core.Mail.Smtp;

namespace Triton.Core.Mail;

/// <summary>Builds the SMTP client options and transport of one Transport row (password decrypted for its destination).</summary>
public sealed class SmtpTransportBuilder(
    IOptions<MailOptions> options,
    MimeMessageBuilder builder,
    MimeMessageWriter writer,
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

    /// <summary>The transport of a row, paced by <paramref name="rateLimiter"/>, which the caller owns.</summary>
    public SmtpTransport Build(Transport transport, TransportRateLimiter rateLimiter) =>
        new SmtpTransport(
            ClientOptions(transport),
            new SmtpPoolOptions(transport.MaxConnections, transport.MaxMessagesPerConnection, options.Value.IdleTimeout),
            builder,
            null,
            rateLimiter,
            loggerFactory.CreateLogger<SmtpTransport>(),
            time);

    /// <summary>The hand-written client of earlier versions, kept only to be measured beside MailKit in the benchmark.</summary>
    public HandWrittenSmtpTransport BuildHandWritten(Transport transport, TransportRateLimiter rateLimiter) =>
        new HandWrittenSmtpTransport(
            ClientOptions(transport),
            new SmtpPoolOptions(transport.MaxConnections, transport.MaxMessagesPerConnection, options.Value.IdleTimeout),
            writer,
            rateLimiter,
            loggerFactory.CreateLogger<HandWrittenSmtpTransport>(),
            time);
}
