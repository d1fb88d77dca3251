using System.Text;
using MimeKit;
using MimeKit.Encodings;
using Triton.Core.Mail.Mime;

namespace Triton.Tests.Mail;

/// <summary>
/// A part that copies its stored CRLF bytes must write exactly what MimeKit writes for the same text through its own
/// encoder and line-end filter, with every format a message is written with.
/// </summary>
public sealed class EncodedTextPartTests
{
    public static TheoryData<string> Texts() => new()
    {
        "",
        "one line",
        "ends with a line end\n",
        "crlf\r\nlines\r\n\r\n",
        "a bare\rcarriage return and = signs == and trailing spaces   \nand tabs\t\n",
        ".a dot at the start\n.\n..\nFrom the start\n",
        "non-ascii: é ü ß 漢字 🙂 " + new string('é', 90),
        new string('x', 300) + "\n" + new string('y', 75) + "\n" + new string('z', 76) + "\n" + new string('w', 77),
        "<p>unclosed <b>html\n<p>" + string.Join(" ", Enumerable.Range(0, 400).Select(i => "word" + i)),
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Writes_what_MimeKit_writes_for_the_same_text(string text)
    {
        foreach (var subtype in new[] { "plain", "html" })
        {
            var ours = new EncodedTextPart(subtype, text);
            var theirs = MimeKitPart(subtype, text);
            foreach (var format in Formats())
            {
                Assert.Equal(Write(theirs, format, contentOnly: false), Write(ours, format, contentOnly: false));
                Assert.Equal(Write(theirs, format, contentOnly: true), Write(ours, format, contentOnly: true));
            }
            Assert.Equal(text.ReplaceLineEndings("\n"), ours.Text.ReplaceLineEndings("\n"));
        }
    }

    [Fact]
    public async Task Writes_asynchronously_what_it_writes_synchronously()
    {
        var part = new EncodedTextPart("html", "<p>" + new string('é', 200) + "</p>\n<p>two</p>");
        foreach (var format in Formats())
        {
            using var stream = new MemoryStream();
            await part.WriteToAsync(format, stream, false, CancellationToken.None);
            Assert.Equal(Write(part, format, contentOnly: false), stream.ToArray());
        }
    }

    [Fact]
    public void A_multipart_of_them_writes_what_MimeKit_writes()
    {
        const string text = "Hi Ann\n\nRead this (https://x.test/a).", html = "<h1>Hi Ann</h1>\n<p>Read <a href=\"https://x.test/a\">this</a>.</p>";
        var ours = new MultipartAlternative { new EncodedTextPart("plain", text), new EncodedTextPart("html", html) };
        var theirs = new MultipartAlternative { MimeKitPart("plain", text), MimeKitPart("html", html) };
        ours.Boundary = theirs.Boundary = "=_b";
        foreach (var format in Formats())
            Assert.Equal(Write(theirs, format, contentOnly: false), Write(ours, format, contentOnly: false));
    }

    private static IEnumerable<FormatOptions> Formats()
    {
        var crlf = FormatOptions.Default.Clone();
        crlf.NewLineFormat = NewLineFormat.Dos;
        yield return crlf;
        var lf = FormatOptions.Default.Clone();
        lf.NewLineFormat = NewLineFormat.Unix;
        yield return lf;
        var ensure = crlf.Clone();
        ensure.EnsureNewLine = true;
        yield return ensure;
        // MailKit writes DATA with a clone that hides some headers.
        var hidden = crlf.Clone();
        hidden.HiddenHeaders.Add(HeaderId.ContentTransferEncoding);
        yield return hidden;
    }

    /// <summary>The part as MimeKit alone makes it: its encoder's LF output, written through its own filters.</summary>
    private static TextPart MimeKitPart(string subtype, string text)
    {
        var input = Encoding.UTF8.GetBytes(text);
        var encoder = new QuotedPrintableEncoder();
        var output = new byte[encoder.EstimateOutputLength(input.Length)];
        var length = encoder.Flush(input, 0, input.Length, output);
        var part = new TextPart(subtype) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.ContentType.Charset = "utf-8";
        part.Content = new MimeContent(new MemoryStream(output, 0, length, writable: false), ContentEncoding.QuotedPrintable);
        return part;
    }

    private static byte[] Write(MimeEntity entity, FormatOptions format, bool contentOnly)
    {
        using var stream = new MemoryStream();
        entity.WriteTo(format, stream, contentOnly);
        return stream.ToArray();
    }
}
