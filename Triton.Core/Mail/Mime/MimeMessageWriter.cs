using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Triton.Core.Mail.Mime;

/// <summary>Turns an <see cref="OutgoingMessage"/> into RFC 5322/2045 bytes: 7-bit QP bodies, encoded-word headers, CRLF.</summary>
public sealed class MimeMessageWriter(IOptions<MailOptions> options, TimeProvider timeProvider)
{
    private const int FoldAt = 78;
    private const int MaxLine = 998;

    public async Task<RenderedMessage> WriteAsync(OutgoingMessage message, Stream destination, CancellationToken cancellationToken)
    {
        var rendered = Render(message);
        await destination.WriteAsync(rendered.Bytes, cancellationToken);
        return rendered;
    }

    public RenderedMessage Render(OutgoingMessage message)
    {
        foreach (var (name, value) in message.Headers) HeaderRules.EnsureValid(name, value);
        var from = EncodedWords.NormalizeAddress(message.From.Address);
        var to = EncodedWords.NormalizeAddress(message.To.Address);
        var messageId = message.MessageId ?? NewMessageId(from);
        if (messageId.Contains('\r') || messageId.Contains('\n') || messageId.Contains('<') || messageId.Contains('>') || messageId.Contains(' '))
            throw new InvalidHeaderException($"'{messageId}' is not a valid Message-ID (give it without angle brackets).", nameof(message.MessageId));

        var output = new StringBuilder(4096);
        AppendHeader(output, "Message-ID", ["<" + messageId + ">"]);
        AppendHeader(output, "Date", [FormatDate(timeProvider.GetUtcNow())]);
        AppendHeader(output, "From", EncodedWords.FormatAddress(message.From));
        AppendHeader(output, "To", EncodedWords.FormatAddress(message.To));
        AppendHeader(output, "Subject", Tokens(message.Subject));
        AppendHeader(output, "MIME-Version", ["1.0"]);
        foreach (var (name, value) in message.Headers) AppendHeader(output, name, Tokens(value));

        var text = message.Text ?? (message.Html is null ? "" : HtmlToText.Convert(message.Html));
        if (message.Html is null)
        {
            AppendPartHeaders(output, "text/plain");
            output.Append("\r\n").Append(QuotedPrintable.Encode(text)).Append("\r\n");
        }
        else
        {
            // '=' is always encoded in quoted-printable, so a boundary starting "=_" can never occur in a body.
            var boundary = "=_Triton_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)))[..24];
            AppendHeader(output, "Content-Type", ["multipart/alternative;", "boundary=\"" + boundary + "\""]);
            output.Append("\r\n");
            output.Append("--").Append(boundary).Append("\r\n");
            AppendPartHeaders(output, "text/plain");
            output.Append("\r\n").Append(QuotedPrintable.Encode(text)).Append("\r\n");
            output.Append("--").Append(boundary).Append("\r\n");
            AppendPartHeaders(output, "text/html");
            output.Append("\r\n").Append(QuotedPrintable.Encode(message.Html)).Append("\r\n");
            output.Append("--").Append(boundary).Append("--\r\n");
        }

        var bytes = Encoding.UTF8.GetBytes(output.ToString());
        return new RenderedMessage(bytes, messageId, from, to, !EncodedWords.IsAscii(from) || !EncodedWords.IsAscii(to));
    }

    private static void AppendPartHeaders(StringBuilder output, string mediaType)
    {
        output.Append("Content-Type: ").Append(mediaType).Append("; charset=utf-8\r\n");
        output.Append("Content-Transfer-Encoding: quoted-printable\r\n");
    }

    private string NewMessageId(string from)
    {
        var domain = options.Value.MessageIdDomain;
        if (string.IsNullOrWhiteSpace(domain)) domain = from[(from.LastIndexOf('@') + 1)..];
        return Guid.NewGuid().ToString("N") + "@" + domain;
    }

    /// <summary>RFC 5322 date-time in UTC, e.g. "Mon, 23 Nov 2026 15:17:57 +0000".</summary>
    public static string FormatDate(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " +0000";

    /// <summary>Unstructured values: encoded words when non-ASCII, else the value split at spaces (rejoined exactly when not folded).</summary>
    private static IReadOnlyList<string> Tokens(string value) =>
        EncodedWords.IsAscii(value) ? value.Split(' ') : EncodedWords.EncodeUnstructured(value);

    /// <summary>Writes "Name: tokens" folding with CRLF SP between tokens once a line would pass 78 characters.</summary>
    private static void AppendHeader(StringBuilder output, string name, IReadOnlyList<string> tokens)
    {
        output.Append(name).Append(':');
        var lineLength = name.Length + 1;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Length + 1 > MaxLine)
                throw new InvalidHeaderException($"The header '{name}' has a word longer than {MaxLine} characters and cannot be folded.", nameof(name));
            if (i > 0 && lineLength + 1 + token.Length > FoldAt && token.Length > 0)
            {
                output.Append("\r\n");
                lineLength = 0;
            }
            output.Append(' ').Append(token);
            lineLength += 1 + token.Length;
        }
        output.Append("\r\n");
    }
}
