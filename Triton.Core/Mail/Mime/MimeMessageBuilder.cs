using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using Triton.Core.Mail.Dkim;

namespace Triton.Core.Mail.Mime;

/// <summary>
/// Builds the MimeKit message of an <see cref="OutgoingMessage"/>: multipart/alternative (text derived from the HTML
/// when absent), RFC 2047 headers, Message-ID and Date, the custom headers after <see cref="HeaderRules"/>. Bodies are
/// quoted-printable encoded once here (<see cref="EncodedTextPart"/>), so every later write of the message (DKIM body
/// hash, SMTP's SIZE measure, the DATA phase, a pickup file) copies the encoded bytes instead of encoding again. Every
/// transport builds through this one type, so the pickup file holds the bytes SMTP sends.
/// </summary>
public sealed class MimeMessageBuilder(IOptions<MailOptions> options, TimeProvider timeProvider)
{
    /// <summary>The plain-text part a message is sent with (and previewed with).</summary>
    public static string TextOf(OutgoingMessage message) =>
        message.Text ?? (message.Html is null ? "" : HtmlToText.Convert(message.Html));

    /// <exception cref="InvalidHeaderException">A custom header, an address or the Message-ID cannot go on the wire.</exception>
    public PreparedMessage Build(OutgoingMessage message, MessageSigner? signer = null)
    {
        foreach (var (name, value) in message.Headers) HeaderRules.EnsureValid(name, value);
        var from = Mailbox(message.From, nameof(message.From));
        var to = Mailbox(message.To, nameof(message.To));
        var sender = message.ReturnPath is null ? from : Mailbox(new MailAddress(message.ReturnPath), nameof(message.ReturnPath));
        var messageId = message.MessageId ?? NewMessageId(from.Address);
        if (messageId.AsSpan().IndexOfAny("\r\n<> ") >= 0 || messageId.IndexOf('@') <= 0)
            throw new InvalidHeaderException($"'{messageId}' is not a valid Message-ID (give it without angle brackets).", nameof(message.MessageId));

        // Not MimeMessage(): it writes a Date in local time, a random Message-ID (the random bytes from the OS) and
        // placeholders, all replaced at once. In this order the headers come out as the default constructor's would.
        var mime = new MimeMessage(new HeaderList());
        mime.From.Add(from);
        mime.Date = timeProvider.GetUtcNow();
        mime.Subject = message.Subject;
        mime.MessageId = messageId;
        mime.To.Add(to);
        // The envelope sender in the file too, so a pickup message and a delivered one show where bounces go.
        if (message.ReturnPath is not null) mime.Headers.Add(HeaderId.ReturnPath, "<" + sender.Address + ">");
        foreach (var (name, value) in message.Headers) mime.Headers.Add(name, value);

        var text = new EncodedTextPart("plain", TextOf(message));
        mime.Body = message.Html is null ? text : new FrozenAlternative { text, new EncodedTextPart("html", message.Html) };
        // A boundary of the Message-ID (so one message always has the same bytes) that starts "=_": quoted-printable
        // always encodes '=', so no body line can ever look like it.
        if (mime.Body is Multipart multipart)
            multipart.Boundary = "=_Triton_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)))[..24];
        // Fixes every part's transfer encoding before signing: nothing may change the message after the signature.
        mime.Prepare(EncodingConstraint.SevenBit);
        signer?.Sign(mime);
        (mime.Body as FrozenAlternative)?.Freeze(PreparedMessage.WireFormat);
        ReleaseFromFinalization(mime);
        return new PreparedMessage(mime, messageId, sender, to, !IsAscii(sender.Address) || !IsAscii(to.Address));
    }

    /// <summary>
    /// MimeKit gives its messages, entities and contents finalizers that release nothing (they call Dispose(false), and
    /// only Dispose(true) disposes a content's stream); a built message holds memory alone (its bodies are byte arrays).
    /// A finalizable object outlives the collection that finds it dead, with everything it references, so every sent
    /// message was promoted and collected again a generation up: on the plain newsletter the process stood paused in
    /// the collector for a third of a campaign. Taken off the finalization queue, a message dies young like any garbage.
    /// </summary>
    private static void ReleaseFromFinalization(MimeMessage message)
    {
        GC.SuppressFinalize(message);
        if (message.Body is { } body) ReleaseFromFinalization(body);
    }

    private static void ReleaseFromFinalization(MimeEntity entity)
    {
        GC.SuppressFinalize(entity);
        if (entity is MimePart { Content: { } content }) GC.SuppressFinalize(content);
        if (entity is Multipart multipart)
            foreach (var child in multipart) ReleaseFromFinalization(child);
    }

    private static MailboxAddress Mailbox(MailAddress address, string field)
    {
        if (address.Address.AsSpan().IndexOfAny('\r', '\n') >= 0 || (address.DisplayName?.AsSpan().IndexOfAny('\r', '\n') ?? -1) >= 0)
            throw new InvalidHeaderException($"The {field} address contains CR or LF.", field);
        try
        {
            return new MailboxAddress(address.DisplayName, address.Address.Trim());
        }
        catch (ParseException ex)
        {
            throw new InvalidHeaderException($"'{address.Address}' is not a valid {field} address: {ex.Message}", field);
        }
    }

    private string NewMessageId(string from)
    {
        var domain = options.Value.MessageIdDomain;
        if (string.IsNullOrWhiteSpace(domain)) domain = from[(from.LastIndexOf('@') + 1)..];
        return Guid.NewGuid().ToString("N") + "@" + domain;
    }

    private static bool IsAscii(string value) => Ascii.IsValid(value);
}
