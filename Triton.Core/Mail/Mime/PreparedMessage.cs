using MimeKit;

namespace Triton.Core.Mail.Mime;

/// <summary>
/// A built (and, when the transport has a key, DKIM-signed) message with its envelope (Sender: the MAIL FROM address).
/// Its bytes are written once, when it is built: the pickup file, the archive and Triton's SIZE check use them, and
/// MailKit's own writes (its SIZE measure, DATA) copy the body's (<see cref="FrozenAlternative"/>).
/// </summary>
public sealed record PreparedMessage(MimeMessage Message, byte[] Wire, string MessageId, MailboxAddress Sender, MailboxAddress Recipient, bool RequiresSmtpUtf8)
{
    private static readonly FormatOptions Format = CreateWireFormat();

    /// <summary>How messages go on the wire and into pickup files: CRLF line ends.</summary>
    public static FormatOptions WireFormat => Format;

    /// <summary>The bytes SMTP sends (before dot-stuffing) of a finished message.</summary>
    public static byte[] Serialize(MimeMessage message)
    {
        using var buffer = new MemoryStream(16 * 1024);
        message.WriteTo(Format, buffer);
        return buffer.ToArray();
    }

    private static FormatOptions CreateWireFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }

    /// <summary>Writes the bytes SMTP sends (before dot-stuffing).</summary>
    public Task WriteToAsync(Stream destination, CancellationToken cancellationToken) =>
        destination.WriteAsync(Wire, cancellationToken).AsTask();

    /// <summary>The message as bytes (what a pickup file holds).</summary>
    public byte[] ToBytes() => Wire.ToArray();

    /// <summary>The size on the wire, for a server's SIZE limit.</summary>
    public long Measure() => Wire.Length;
}
