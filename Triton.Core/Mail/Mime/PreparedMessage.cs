using MimeKit;
using MimeKit.IO;

namespace Triton.Core.Mail.Mime;

/// <summary>
/// A built (and, when the transport has a key, DKIM-signed) message with its envelope (Sender: the MAIL FROM address).
/// Its body is written once, when it is built, and MailKit's writes (its SIZE measure, DATA) copy it
/// (<see cref="FrozenAlternative"/>); the whole message's bytes are written once when first asked for (the pickup
/// file, the archive, Triton's SIZE check).
/// </summary>
public sealed record PreparedMessage(MimeMessage Message, string MessageId, MailboxAddress Sender, MailboxAddress Recipient, bool RequiresSmtpUtf8)
{
    private static readonly FormatOptions Format = CreateWireFormat();
    private byte[]? _wire;

    /// <summary>The bytes SMTP sends (before dot-stuffing).</summary>
    public byte[] Wire => _wire ??= Serialize(Message);

    /// <summary>How messages go on the wire and into pickup files: CRLF line ends, the last line ended.</summary>
    public static FormatOptions WireFormat => Format;

    private static byte[] Serialize(MimeMessage message)
    {
        using var buffer = new MemoryStream(16 * 1024);
        message.WriteTo(Format, buffer);
        return buffer.ToArray();
    }

    /// <summary>
    /// MailKit's format for DATA (CRLF, and a message that ends with a line end), so the body frozen with it is what
    /// MailKit's writes copy: frozen with any other options, every send would format the body again.
    /// </summary>
    private static FormatOptions CreateWireFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.EnsureNewLine = true;
        return format;
    }

    /// <summary>Writes the bytes SMTP sends (before dot-stuffing).</summary>
    public Task WriteToAsync(Stream destination, CancellationToken cancellationToken) =>
        destination.WriteAsync(Wire, cancellationToken).AsTask();

    /// <summary>The message as bytes (what a pickup file holds).</summary>
    public byte[] ToBytes() => Wire.ToArray();

    /// <summary>
    /// The size on the wire, for a server's SIZE limit: counted, not kept, unless the bytes exist already (most servers
    /// offer SIZE, and keeping a copy of every message only to count it cost as much as writing it for DATA).
    /// </summary>
    public long Measure()
    {
        if (_wire is not null) return _wire.Length;
        using var counter = new MeasuringStream();
        Message.WriteTo(Format, counter);
        return counter.Length;
    }
}
