using System.Buffers;
using System.Text;
using MimeKit;
using MimeKit.Encodings;

namespace Triton.Core.Mail.Mime;

/// <summary>
/// A UTF-8 text part encoded quoted-printable once, when it is built, and stored with CRLF line ends: the bytes every
/// write with CRLF line ends (the wire, a pickup file, DKIM's body hash) puts out. Such a write copies them after the
/// part's headers; MimeKit's own write would run every byte through its line-end filter again. Any other write (LF
/// line ends, or an empty part that must end with a line end) is MimeKit's, which reads CRLF content as well.
/// </summary>
public sealed class EncodedTextPart : TextPart
{
    private readonly byte[] _wire;

    public EncodedTextPart(string subtype, string text) : base(subtype)
    {
        _wire = Encode(text);
        ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        ContentType.Charset = "utf-8";
        Content = new MimeContent(new MemoryStream(_wire, writable: false), ContentEncoding.QuotedPrintable);
    }

    public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        if (!Copies(options)) base.WriteTo(options, stream, contentOnly, cancellationToken);
        else WrittenContent.Write(Headers, _wire, options, stream, contentOnly, cancellationToken);
    }

    public override Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default) =>
        !Copies(options)
            ? base.WriteToAsync(options, stream, contentOnly, cancellationToken)
            : WrittenContent.WriteAsync(Headers, _wire, options, stream, contentOnly, cancellationToken);

    /// <summary>
    /// Whether <paramref name="options"/> write the stored bytes as they are: CRLF line ends, and a last line ended
    /// already when the write must end with a line end (MailKit's DATA does).
    /// </summary>
    private bool Copies(FormatOptions options) =>
        options.NewLineFormat == NewLineFormat.Dos && (!options.EnsureNewLine || _wire.AsSpan().EndsWith("\r\n"u8));

    /// <summary>Quoted-printable (MimeKit's encoder, which ends lines with LF) with every LF made CRLF.</summary>
    private static byte[] Encode(string text)
    {
        // The encoder's estimate is three times the input and more (past the large object heap's 85 KB for a 30 KB
        // body): encode into rented buffers and keep one array of the exact length.
        var input = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var inputLength = Encoding.UTF8.GetBytes(text, input);
            var encoder = new QuotedPrintableEncoder();
            var output = ArrayPool<byte>.Shared.Rent(encoder.EstimateOutputLength(inputLength));
            try
            {
                ReadOnlySpan<byte> encoded = output.AsSpan(0, encoder.Flush(input, 0, inputLength, output));
                // Quoted-printable output has no CR of its own (a CR in the text is encoded as =0D).
                var wire = GC.AllocateUninitializedArray<byte>(encoded.Length + encoded.Count((byte)'\n'));
                var written = 0;
                while (encoded.IndexOf((byte)'\n') is var lineEnd and >= 0)
                {
                    encoded[..lineEnd].CopyTo(wire.AsSpan(written));
                    written += lineEnd;
                    wire[written++] = (byte)'\r';
                    wire[written++] = (byte)'\n';
                    encoded = encoded[(lineEnd + 1)..];
                }
                encoded.CopyTo(wire.AsSpan(written));
                return wire;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(output);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }
}
