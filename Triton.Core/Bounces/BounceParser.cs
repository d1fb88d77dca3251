using System.Text.RegularExpressions;
using MimeKit;

namespace Triton.Core.Bounces;

public enum BounceKind { Hard, Soft }

/// <summary>
/// What a bounce says: hard (5.x.x, the address does not exist) or soft (4.x.x, delayed, mailbox
/// full for now), the failed recipient, the status and diagnostic, and the VERP tokens and original
/// Message-ID that tie it to what Triton sent.
/// </summary>
public sealed record BounceReport(BounceKind Kind, string? Recipient, string? Status, string? Diagnostic,
    IReadOnlyList<string> Tokens, string? OriginalMessageId);

/// <summary>
/// Reads bounce messages: RFC 3464 delivery status notifications (multipart/report;
/// report-type=delivery-status) and the common plain-text bounces of Postfix, Exim, qmail and
/// Exchange-like servers. A message that is no bounce (a reply, an out-of-office, a success DSN)
/// answers null.
/// </summary>
public static partial class BounceParser
{
    /// <param name="local">The bounce address's local part ("bounces"): tokens are what follows "local+".</param>
    /// <param name="domain">The bounce address's domain.</param>
    public static BounceReport? Parse(MimeMessage message, string local, string domain)
    {
        var tokens = Tokens(message, local, domain);
        var report = message.Body as MultipartReport ?? message.BodyParts.OfType<MultipartReport>().FirstOrDefault();
        if (report is not null && string.Equals(report.ReportType, "delivery-status", StringComparison.OrdinalIgnoreCase))
            return FromDsn(report, tokens);
        return FromText(message, tokens);
    }

    private static BounceReport? FromDsn(MultipartReport report, List<string> tokens)
    {
        var status = report.OfType<MessageDeliveryStatus>().FirstOrDefault();
        if (status is null) return null;
        // The first group is about the message; each further one about a recipient.
        foreach (var group in status.StatusGroups.Skip(1))
        {
            var action = group["Action"]?.Trim().ToLowerInvariant();
            if (action is not ("failed" or "delayed")) continue;
            var code = group["Status"]?.Trim();
            var kind = action == "delayed" || code?.StartsWith('4') == true ? BounceKind.Soft : BounceKind.Hard;
            var recipient = Address(group["Final-Recipient"]) ?? Address(group["Original-Recipient"]);
            return new BounceReport(kind, recipient, code, group["Diagnostic-Code"]?.Trim(), tokens, OriginalMessageId(report));
        }
        return null;
    }

    /// <summary>"rfc822; user@example.com" to the address.</summary>
    private static string? Address(string? field)
    {
        if (string.IsNullOrWhiteSpace(field)) return null;
        var semicolon = field.IndexOf(';');
        var address = (semicolon >= 0 ? field[(semicolon + 1)..] : field).Trim().Trim('<', '>');
        return address.Contains('@') ? address : null;
    }

    private static string? OriginalMessageId(Multipart report)
    {
        foreach (var part in report)
        {
            if (part is MessagePart { Message: { } original }) return original.MessageId;
            if (part is MimePart headers && headers.ContentType.IsMimeType("text", "rfc822-headers"))
            {
                using var stream = new MemoryStream();
                headers.Content?.DecodeTo(stream);
                stream.Position = 0;
                try { return HeaderList.Load(stream)[HeaderId.MessageId]?.Trim().Trim('<', '>'); }
                catch (FormatException) { return null; }
            }
        }
        return null;
    }

    private static BounceReport? FromText(MimeMessage message, List<string> tokens)
    {
        var from = message.From.Mailboxes.FirstOrDefault()?.Address ?? "";
        var subject = message.Subject ?? "";
        var text = message.TextBody ?? message.HtmlBody ?? "";
        var fromDaemon = from.StartsWith("mailer-daemon", StringComparison.OrdinalIgnoreCase)
            || from.StartsWith("postmaster", StringComparison.OrdinalIgnoreCase)
            || message.Headers[HeaderId.ReturnPath]?.Trim() == "<>";
        if (!fromDaemon && !BounceSubject().IsMatch(subject)) return null;
        if (!BounceBody().IsMatch(text) && !BounceSubject().IsMatch(subject)) return null;

        var enhanced = EnhancedStatus().Match(text);
        var smtp = SmtpCode().Match(text);
        string? code = enhanced.Success ? enhanced.Value : smtp.Success ? smtp.Groups[1].Value : null;
        var kind = code is not null
            ? code.StartsWith('4') ? BounceKind.Soft : BounceKind.Hard
            : SoftWords().IsMatch(text) ? BounceKind.Soft : BounceKind.Hard;
        if (code is null && !PermanentWords().IsMatch(text) && kind == BounceKind.Hard) return null;
        var diagnostic = enhanced.Success || smtp.Success ? LineAround(text, enhanced.Success ? enhanced.Index : smtp.Index) : null;
        return new BounceReport(kind, Recipient(text, tokens), code, diagnostic, tokens, QuotedMessageId(text));
    }

    /// <summary>
    /// The failed recipient: Postfix and qmail put it in angle brackets at a line's start, Exim and
    /// Exchange indent it alone on a line after their introduction.
    /// </summary>
    private static string? Recipient(string text, List<string> tokens)
    {
        foreach (Match match in RecipientLine().Matches(text))
        {
            var address = match.Groups[1].Value;
            if (!tokens.Any(t => address.Contains(t, StringComparison.Ordinal)) &&
                !address.StartsWith("mailer-daemon", StringComparison.OrdinalIgnoreCase)) return address;
        }
        return null;
    }

    private static string? QuotedMessageId(string text)
    {
        var match = QuotedMessageIdLine().Match(text);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string LineAround(string text, int index)
    {
        var start = text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1;
        var end = text.IndexOf('\n', index);
        var line = (end < 0 ? text[start..] : text[start..end]).Trim();
        return line.Length > 500 ? line[..500] : line;
    }

    /// <summary>
    /// VERP tokens found anywhere a bounce keeps the envelope sender: its own recipients (To,
    /// Delivered-To, X-Original-To, Envelope-To) and the returned original's headers (Return-Path).
    /// </summary>
    private static List<string> Tokens(MimeMessage message, string local, string domain)
    {
        var pattern = new Regex(Regex.Escape(local) + @"\+([A-Za-z0-9_-]{8,60})@" + Regex.Escape(domain), RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        var found = new List<string>();
        void Scan(string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            foreach (Match match in pattern.Matches(value))
                if (!found.Contains(match.Groups[1].Value)) found.Add(match.Groups[1].Value);
        }
        foreach (var header in message.Headers)
            if (header.Id is HeaderId.To or HeaderId.Cc || EnvelopeHeaders.Contains(header.Field))
                Scan(header.Value);
        foreach (var part in message.BodyParts)
        {
            if (part is MessagePart { Message: { } original }) Scan(original.Headers[HeaderId.ReturnPath]);
            else if (part is TextPart textPart) Scan(textPart.Text);
        }
        return found;
    }

    private static readonly HashSet<string> EnvelopeHeaders = new(StringComparer.OrdinalIgnoreCase) { "Delivered-To", "X-Original-To", "Envelope-To" };

    [GeneratedRegex(@"undeliver|delivery (status notification|failure|has failed)|mail delivery (failed|subsystem)|returned mail|failure notice|delivery status|non[- ]?delivery", RegexOptions.IgnoreCase)]
    private static partial Regex BounceSubject();

    [GeneratedRegex(@"could not be delivered|couldn't be delivered|wasn't able to deliver|was not delivered|delivery (has )?failed|permanent error|the following address(es)? failed|undeliverable|user unknown|mailbox (unavailable|full)|no such user|delivery to the following recipient|temporary (error|failure)|delayed|will (keep trying|retry)|failed to these recipients", RegexOptions.IgnoreCase)]
    private static partial Regex BounceBody();

    [GeneratedRegex(@"(?<![\d.])[45]\.\d{1,3}\.\d{1,3}(?![\d.])")]
    private static partial Regex EnhancedStatus();

    [GeneratedRegex(@"(?<![\d.#])#?([45][0-5]\d)[ -](?!\d)")]
    private static partial Regex SmtpCode();

    [GeneratedRegex(@"temporar|delayed|will (keep trying|retry)|still trying|over quota|try again later", RegexOptions.IgnoreCase)]
    private static partial Regex SoftWords();

    [GeneratedRegex(@"permanent|user unknown|no such user|does not exist|couldn't be found|not found|address rejected", RegexOptions.IgnoreCase)]
    private static partial Regex PermanentWords();

    [GeneratedRegex(@"^[ \t]*<?([A-Za-z0-9._%+'=-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})>?:?[ \t]*(\(|$|\r|\n|host|SMTP|generated|:)", RegexOptions.Multiline)]
    private static partial Regex RecipientLine();

    [GeneratedRegex(@"^Message-ID:\s*<([^>\r\n]+)>", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex QuotedMessageIdLine();
}
