namespace Triton.Core.Mail.Mime;

/// <summary>A message as it goes on the wire (CRLF lines, not dot-stuffed) plus the envelope a transport needs.</summary>
public sealed record RenderedMessage(
    byte[] Bytes,
    string MessageId,
    string EnvelopeFrom,
    string EnvelopeTo,
    bool RequiresSmtpUtf8);
