using MimeKit;

namespace Triton.Core.Mail.Mime;

/// <summary>
/// How an entity whose content is kept as written bytes writes itself: its headers (unless the caller writes them, as
/// a message does for its body, in its own header block), then the bytes as they are.
/// </summary>
internal static class WrittenContent
{
    public static void Write(HeaderList headers, ReadOnlySpan<byte> content, FormatOptions options, Stream stream, bool contentOnly,
        CancellationToken cancellationToken)
    {
        if (!contentOnly) headers.WriteTo(options, stream, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        stream.Write(content);
    }

    public static async Task WriteAsync(HeaderList headers, ReadOnlyMemory<byte> content, FormatOptions options, Stream stream, bool contentOnly,
        CancellationToken cancellationToken)
    {
        if (!contentOnly) await headers.WriteToAsync(options, stream, cancellationToken);
        await stream.WriteAsync(content, cancellationToken);
    }
}
