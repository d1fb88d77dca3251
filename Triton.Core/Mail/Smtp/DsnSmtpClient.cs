using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace Triton.Core.Mail.Smtp;

/// <summary>
/// MailKit's client asking servers that offer DSN (RFC 3461) for a report on failure only, carrying
/// the headers of the message (not its body) and the Message-ID as the envelope id, so a bounce
/// that comes back days later names the message it is about. Servers without DSN see plain commands.
/// </summary>
internal sealed class DsnSmtpClient : SmtpClient
{
    public DsnSmtpClient(IProtocolLogger logger) : base(logger) => DeliveryStatusNotificationType = DeliveryStatusNotificationType.HeadersOnly;

    protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox) =>
        DeliveryStatusNotification.Failure;

    protected override string? GetEnvelopeId(MimeMessage message) => message.MessageId;
}
