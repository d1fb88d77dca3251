using System.Text;
using Microsoft.Extensions.Options;
using Triton.Core.Mail;
using Triton.Core.Mail.Mime;

namespace Triton.Tests.Mail;

public sealed class MimeMessageWriterTests
{
    private static MimeMessageWriter Writer(string? messageIdDomain = null) =>
        new(Options.Create(new MailOptions { MessageIdDomain = messageIdDomain }),
            new FixedTimeProvider(new DateTimeOffset(2026, 11, 23, 15, 4, 5, TimeSpan.Zero)));

    private static string Render(OutgoingMessage message) => Encoding.UTF8.GetString(Writer().Render(message).Bytes);

    [Fact]
    public void Writes_multipart_alternative_byte_for_byte_with_text_derived_from_html()
    {
        var message = new OutgoingMessage
        {
            From = new MailAddress("news@example.com", "Example News"),
            To = new MailAddress("ann@example.org"),
            Subject = "Hello",
            Html = "<html><head><style>p{}</style></head><body><h1>Hi Ann</h1><p>Read <a href=\"https://x.test/a\">this</a>.</p></body></html>",
            MessageId = "m1@example.com",
            Headers = [new("List-Unsubscribe", "<https://x.test/u/1>, <mailto:u@x.test>"), new("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")],
        };

        var boundary = "=_Triton_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("m1@example.com"u8.ToArray()))[..24];
        var expected =
            "Message-ID: <m1@example.com>\r\n" +
            "Date: Mon, 23 Nov 2026 15:04:05 +0000\r\n" +
            "From: Example News <news@example.com>\r\n" +
            "To: <ann@example.org>\r\n" +
            "Subject: Hello\r\n" +
            "MIME-Version: 1.0\r\n" +
            "List-Unsubscribe: <https://x.test/u/1>, <mailto:u@x.test>\r\n" +
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" +
            "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n" +
            "\r\n" +
            "--" + boundary + "\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Transfer-Encoding: quoted-printable\r\n" +
            "\r\n" +
            "Hi Ann\r\n\r\nRead this (https://x.test/a).\r\n" +
            "--" + boundary + "\r\n" +
            "Content-Type: text/html; charset=utf-8\r\n" +
            "Content-Transfer-Encoding: quoted-printable\r\n" +
            "\r\n" +
            "<html><head><style>p{}</style></head><body><h1>Hi Ann</h1><p>Read <a href=\r\n" +
            "=3D\"https://x.test/a\">this</a>.</p></body></html>\r\n" +
            "--" + boundary + "--\r\n";

        Assert.Equal(expected, Render(message));
    }

    [Fact]
    public void Encodes_non_ascii_subject_and_display_name_as_utf8_encoded_words()
    {
        var message = new OutgoingMessage
        {
            From = new MailAddress("a@example.com", "Zoë Ünal"),
            To = new MailAddress("b@bücher.example", "Plain, Name"),
            Subject = "Grüße aus Köln – 10 € Rabatt für alle Leserinnen und Leser unseres Newsletters",
            Text = "x",
            MessageId = "m2@example.com",
        };
        var rendered = Render(message);

        Assert.Contains("From: =?utf-8?B?Wm/DqyDDnG5hbA==?= <a@example.com>\r\n", rendered);
        Assert.Contains("To: \"Plain, Name\" <b@xn--bcher-kva.example>\r\n", rendered);
        var subject = rendered.Split("\r\n").SkipWhile(l => !l.StartsWith("Subject:")).TakeWhile(l => l.StartsWith("Subject:") || l.StartsWith(' ')).ToList();
        Assert.True(subject.Count > 1, "a long subject is folded");
        Assert.All(subject, l => Assert.True(l.Length <= 78, l));
        var decoded = string.Concat(subject.Select(l => l.Replace("Subject:", "").Trim())
            .SelectMany(l => l.Split(' ')).Select(w => Encoding.UTF8.GetString(Convert.FromBase64String(w["=?utf-8?B?".Length..^2]))));
        Assert.Equal(message.Subject, decoded);
        Assert.True(rendered.All(c => c < 128), "the message is 7-bit");
    }

    [Fact]
    public void Quoted_printable_keeps_lines_short_and_encodes_edge_characters()
    {
        var longLine = string.Concat(Enumerable.Repeat("abcdefghij", 300)); // 3000 characters on one line
        var body = "Price = 5€\n.leading dot\ntrailing space \r\n" + longLine;
        var rendered = Render(new OutgoingMessage { From = new("a@x.test"), To = new("b@x.test"), Subject = "s", Text = body, MessageId = "m3@x.test" });
        var bodyPart = rendered[(rendered.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];

        Assert.StartsWith("Price =3D 5=E2=82=AC\r\n=2Eleading dot\r\ntrailing space=20\r\nabcdefghij", bodyPart);
        Assert.All(rendered.Split("\r\n"), l => Assert.True(l.Length <= 78, $"line of {l.Length}"));
        Assert.DoesNotContain("\n", rendered.Replace("\r\n", ""));
        var unfolded = bodyPart.Replace("=\r\n", "");
        Assert.Contains(longLine, unfolded);
    }

    [Fact]
    public void Generates_message_id_on_configured_or_from_domain()
    {
        var message = new OutgoingMessage { From = new("a@from.test"), To = new("b@x.test"), Subject = "s", Text = "t" };
        Assert.EndsWith("@from.test", Writer().Render(message).MessageId);
        var configured = Writer("mail.triton.test").Render(message);
        Assert.EndsWith("@mail.triton.test", configured.MessageId);
        Assert.StartsWith($"Message-ID: <{configured.MessageId}>\r\n", Encoding.ASCII.GetString(configured.Bytes));
    }

    [Fact]
    public void Custom_headers_pass_through_and_non_ascii_values_are_encoded()
    {
        var rendered = Render(new OutgoingMessage
        {
            From = new("a@x.test"), To = new("b@x.test"), Subject = "s", Text = "t", MessageId = "m4@x.test",
            Headers = [new("X-Campaign", "spring-2026"), new("X-Note", "café")],
        });
        Assert.Contains("\r\nX-Campaign: spring-2026\r\nX-Note: =?utf-8?B?Y2Fmw6k=?=\r\n", rendered);
    }

    [Theory]
    [InlineData("Bad Name", "v")]
    [InlineData("Bad:Name", "v")]
    [InlineData("", "v")]
    [InlineData("X-Ü", "v")]
    [InlineData("X-Ok", "line\r\nBcc: victim@x.test")]
    [InlineData("X-Ok", "line\nsmuggled")]
    [InlineData("X-Ok", "line\rsmuggled")]
    [InlineData("Subject", "a second subject")]
    public void Refuses_bad_header_names_and_values_with_line_breaks(string name, string value)
    {
        var message = new OutgoingMessage { From = new("a@x.test"), To = new("b@x.test"), Subject = "s", Text = "t", Headers = [new(name, value)] };
        var error = Assert.Throws<InvalidHeaderException>(() => Writer().Render(message));
        Assert.IsAssignableFrom<ArgumentException>(error);
    }

    [Fact]
    public void Refuses_addresses_with_line_breaks()
    {
        var message = new OutgoingMessage { From = new("a@x.test"), To = new("b@x.test\r\nRCPT TO:<c@x.test>"), Subject = "s", Text = "t" };
        Assert.Throws<InvalidHeaderException>(() => Writer().Render(message));
    }

    [Fact]
    public async Task WriteAsync_writes_the_rendered_bytes()
    {
        var message = new OutgoingMessage { From = new("a@x.test"), To = new("b@x.test"), Subject = "s", Text = "t", MessageId = "m5@x.test" };
        using var stream = new MemoryStream();
        var rendered = await Writer().WriteAsync(message, stream, CancellationToken.None);
        Assert.Equal(rendered.Bytes, stream.ToArray());
        Assert.Equal(Writer().Render(message).Bytes, stream.ToArray());
    }
}
