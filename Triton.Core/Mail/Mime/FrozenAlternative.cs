using MimeKit;

namespace Triton.Core.Mail.Mime;

/// <summary>
/// A multipart/alternative body written to bytes once, when its message is complete (built and signed), and copied
/// from then on. MailKit writes a message twice per send when the server offers SIZE (to measure it, then into DATA),
/// each time running every body line through MimeKit's CRLF filter; the body is nearly all of a message's bytes, so
/// copying it leaves only the headers to format. A write with other options than the frozen ones (another line format,
/// international headers, a hidden header) is formatted as MimeKit always does. Nothing may change the body after
/// <see cref="Freeze"/>.
/// </summary>
public sealed class FrozenAlternative : MultipartAlternative
{
    private ArraySegment<byte> _content;
    private FormatOptions? _frozenWith;

    /// <summary>Writes the finished body's content (its parts between their boundaries) once with <paramref name="options"/>.</summary>
    public void Freeze(FormatOptions options)
    {
        // Sized for the encoded parts and their headers, and kept as written: no copy of the body's bytes.
        var buffer = new MemoryStream(this.OfType<MimePart>().Sum(p => (int)(p.Content?.Stream?.Length ?? 0)) + 1024);
        base.WriteTo(options, buffer, contentOnly: true, CancellationToken.None);
        _content = new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        _frozenWith = options;
    }

    // A message writes its body's headers with its own (one header block), then the body with contentOnly; an entity
    // written whole writes its headers, then the same content.
    public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        if (!Matches(options)) base.WriteTo(options, stream, contentOnly, cancellationToken);
        else WrittenContent.Write(Headers, _content, options, stream, contentOnly, cancellationToken);
    }

    public override Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default) =>
        !Matches(options)
            ? base.WriteToAsync(options, stream, contentOnly, cancellationToken)
            : WrittenContent.WriteAsync(Headers, _content, options, stream, contentOnly, cancellationToken);

    /// <summary>Options that write the same bytes as the frozen ones (MailKit passes a clone that hides Bcc and the like).</summary>
    private bool Matches(FormatOptions options)
    {
        if (_frozenWith is not { } frozen) return false;
        if (ReferenceEquals(options, frozen)) return true;
        if (options.NewLineFormat != frozen.NewLineFormat || options.International != frozen.International || options.EnsureNewLine != frozen.EnsureNewLine
            || options.MaxLineLength != frozen.MaxLineLength || options.AllowMixedHeaderCharsets != frozen.AllowMixedHeaderCharsets
            || options.ParameterEncodingMethod != frozen.ParameterEncodingMethod || options.AlwaysQuoteParameterValues != frozen.AlwaysQuoteParameterValues)
            return false;
        foreach (var header in Headers)
            if (options.HiddenHeaders.Contains(header.Id) != frozen.HiddenHeaders.Contains(header.Id)) return false;
        foreach (var part in this)
            foreach (var header in part.Headers)
                if (options.HiddenHeaders.Contains(header.Id) != frozen.HiddenHeaders.Contains(header.Id)) return false;
        return true;
    }
}
