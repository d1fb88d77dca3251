using System.Text;
using MimeKit;
using Triton.Core.Mail;
using Triton.Core.Mail.Mime;

namespace Triton.Tests.Mail;

/// <summary>Messages as MimeKit builds them for every transport: what goes on the wire, read back with MimeKit's parser.</summary>
public sealed class MimeMessageBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 15, 4, 5, TimeSpan.Zero);

    private static MimeMessageBuilder Builder(string? messageIdDomain = null) =>
        new(Microsoft.Extensions.Options.Options.Create(new MailOptions { MessageIdDomain = messageIdDomain }), new FixedTimeProvider(Now));

    private static string Wire(OutgoingMessage message) => Encoding.UTF8.GetString(Builder().Build(message).ToBytes());

    private static MimeMessage ReadBack(byte[] bytes) => MimeMessage.Load(new MemoryStream(bytes));

    [Fact]
    public void Writes_multipart_alternative_with_the_text_derived_from_the_html_and_the_headers_in_place()
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
        var bytes = Builder().Build(message).ToBytes();
        var wire = Encoding.ASCII.GetString(bytes);

        foreach (var line in new[]
                 {
                     "Message-Id: <m1@example.com>", "Date: Mon, 23 Nov 2026 15:04:05 +0000", "From: Example News <news@example.com>",
                     "To: ann@example.org", "Subject: Hello", "MIME-Version: 1.0",
                     "List-Unsubscribe: <https://x.test/u/1>, <mailto:u@x.test>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                 })
            Assert.Contains("\r\n" + line + "\r\n", "\r\n" + wire);
        Assert.Contains("Content-Type: multipart/alternative;", wire);
        Assert.Contains("boundary=\"=_Triton_", wire);
        Assert.Equal(2, wire.Split("Content-Transfer-Encoding: quoted-printable\r\n").Length - 1);
        Assert.DoesNotContain("\n", wire.Replace("\r\n", ""));
        Assert.True(bytes.All(b => b < 128), "the message is 7-bit");

        var read = ReadBack(bytes);
        Assert.Equal("Hi Ann\n\nRead this (https://x.test/a).", read.TextBody!.ReplaceLineEndings("\n").TrimEnd());
        Assert.Equal(HtmlToText.Convert(message.Html), read.TextBody!.TrimEnd().Replace("\r\n", "\n"));
        Assert.Equal(message.Html, read.HtmlBody!.TrimEnd());
        Assert.Equal(MimeMessageBuilder.TextOf(message), read.TextBody!.TrimEnd().Replace("\r\n", "\n"));
    }

    [Fact]
    public void The_same_message_builds_to_the_same_bytes_so_pickup_holds_what_smtp_sends()
    {
        var message = new OutgoingMessage { From = new("a@x.test"), To = new("b@x.test"), Subject = "s", Html = "<p>x</p>", MessageId = "same@x.test" };
        Assert.Equal(Builder().Build(message).ToBytes(), Builder().Build(message).ToBytes());
        var other = new OutgoingMessage { From = new("a@x.test"), To = new("b@x.test"), Subject = "s", Html = "<p>x</p>", MessageId = "other@x.test" };
        Assert.NotEqual(Builder().Build(message).ToBytes(), Builder().Build(other).ToBytes());
    }

    [Fact]
    public void Encodes_non_ascii_subject_and_display_name_as_encoded_words_that_read_back()
    {
        var message = new OutgoingMessage
        {
            From = new MailAddress("a@example.com", "Zoë Ünal"),
            To = new MailAddress("b@example.org", "Plain, Name"),
            Subject = "Grüße aus Köln – 10 € Rabatt für alle Leserinnen und Leser unseres Newsletters",
            Text = "x",
            MessageId = "m2@example.com",
        };
        var bytes = Builder().Build(message).ToBytes();
        var wire = Encoding.ASCII.GetString(bytes);

        Assert.True(bytes.All(b => b < 128), "the message is 7-bit");
        Assert.Contains("=?utf-8?", wire);
        Assert.Contains("To: \"Plain, Name\" <b@example.org>\r\n", wire);
        Assert.All(wire.Split("\r\n"), l => Assert.True(l.Length <= 78, $"line of {l.Length}: {l}"));
        var read = ReadBack(bytes);
        Assert.Equal(message.Subject, read.Subject);
        Assert.Equal("Zoë Ünal", ((MailboxAddress)read.From.Single()).Name);
    }

    [Fact]
    public void Quoted_printable_keeps_lines_short_and_round_trips_edge_characters()
    {
        var longLine = string.Concat(Enumerable.Repeat("abcdefghij", 300)); // 3000 characters on one line
        var body = "Price = 5€\r\n.leading dot\r\ntrailing space \r\n" + longLine;
        var bytes = Builder().Build(new OutgoingMessage { From = new("a@x.test"), To = new("b@x.test"), Subject = "s", Text = body, MessageId = "m3@x.test" }).ToBytes();
        var wire = Encoding.ASCII.GetString(bytes);

        Assert.Contains("Price =3D 5=E2=82=AC", wire);
        Assert.Contains("trailing space=20\r\n", wire);
        Assert.All(wire.Split("\r\n"), l => Assert.True(l.Length <= 78, $"line of {l.Length}"));
        Assert.Equal(body.ReplaceLineEndings("\n"), ReadBack(bytes).TextBody!.ReplaceLineEndings("\n").TrimEnd('\n'));
    }

    [Fact]
    public void Generates_message_id_on_configured_or_from_domain()
    {
        var message = new OutgoingMessage { From = new("a@from.test"), To = new("b@x.test"), Subject = "s", Text = "t" };
        Assert.EndsWith("@from.test", Builder().Build(message).MessageId);
        var configured = Builder("mail.triton.test").Build(message);
        Assert.EndsWith("@mail.triton.test", configured.MessageId);
        Assert.Contains($"\r\nMessage-Id: <{configured.MessageId}>\r\n", Encoding.ASCII.GetString(configured.ToBytes()));
    }

    [Fact]
    public void Custom_headers_pass_through_and_non_ascii_values_are_encoded()
    {
        var bytes = Builder().Build(new OutgoingMessage
        {
            From = new("a@x.test"), To = new("b@x.test"), Subject = "s", Text = "t", MessageId = "m4@x.test",
            Headers = [new("X-Campaign", "spring-2026"), new("X-Note", "café")],
        }).ToBytes();
        Assert.Contains("\r\nX-Campaign: spring-2026\r\nX-Note: =?utf-8?", Encoding.ASCII.GetString(bytes));
        Assert.Equal("café", ReadBack(bytes).Headers["X-Note"]);
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
    [InlineData("DKIM-Signature", "v=1; forged")]
    public void Refuses_bad_header_names_and_values_with_line_breaks(string name, string value)
    {
        var message = new OutgoingMessage { From = new("a@x.test"), To = new("b@x.test"), Subject = "s", Text = "t", Headers = [new(name, value)] };
        var error = Assert.Throws<InvalidHeaderException>(() => Builder().Build(message));
        Assert.IsAssignableFrom<ArgumentException>(error);
    }

    [Fact]
    public void Refuses_addresses_with_line_breaks()
    {
        var message = new OutgoingMessage { From = new("a@x.test"), To = new("b@x.test\r\nRCPT TO:<c@x.test>"), Subject = "s", Text = "t" };
        Assert.Throws<InvalidHeaderException>(() => Builder().Build(message));
    }

    [Fact]
    public async Task WriteToAsync_writes_the_bytes_of_ToBytes()
    {
        var prepared = Builder().Build(new OutgoingMessage { From = new("a@x.test"), To = new("b@x.test"), Subject = "s", Text = "t", MessageId = "m5@x.test" });
        using var stream = new MemoryStream();
        await prepared.WriteToAsync(stream, CancellationToken.None);
        Assert.Equal(prepared.ToBytes(), stream.ToArray());
        Assert.Equal(stream.Length, prepared.Measure());
    }

    [Fact]
    public void Measure_before_the_bytes_are_written_counts_what_they_will_be()
    {
        var message = new OutgoingMessage
        {
            From = new("a@x.test", "Änne"), To = new("b@x.test"), Subject = "Grüße", Html = "<p>" + new string('x', 3000) + " caf\u00e9</p>", MessageId = "m6@x.test",
        };
        var measured = Builder().Build(message).Measure();
        var written = Builder().Build(message).ToBytes().Length;
        Assert.Equal(written, measured);
    }
}
