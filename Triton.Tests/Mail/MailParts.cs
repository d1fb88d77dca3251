using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Triton.Core.Mail;
using Triton.Core.Mail.Mime;

namespace Triton.Tests.Mail;

/// <summary>The mail layer's real parts as the host wires them, for tests that build transports by hand.</summary>
public static class MailParts
{
    public static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    public static MimeMessageBuilder Builder(MailOptions? options = null) =>
        new(Options.Create(options ?? new MailOptions()), new FixedTimeProvider(Now));

    public static SmtpTransportBuilder SmtpBuilder(MailOptions? options = null)
    {
        var mail = Options.Create(options ?? new MailOptions());
        return new SmtpTransportBuilder(mail, Builder(options), NullLoggerFactory.Instance, TimeProvider.System);
    }
}
