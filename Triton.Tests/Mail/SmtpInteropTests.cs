using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Mail.Smtp;
using Triton.Tests.Mail.TestServers;

namespace Triton.Tests.Mail;

/// <summary>
/// Triton's SMTP transport (MailKit underneath, Triton's pool around it) against real servers in
/// their own processes: aiosmtpd with STARTTLS and AUTH, and Postfix's smtp-sink.
/// </summary>
public sealed class SmtpInteropTests
{
    private static SmtpTransport Transport(SmtpClientOptions client, int maxConnections, int perConnection) =>
        new(client, new SmtpPoolOptions(maxConnections, perConnection, TimeSpan.FromSeconds(30)), MailParts.Builder(), null,
            new TransportRateLimiter(0), NullLogger<SmtpTransport>.Instance, TimeProvider.System);

    private static SmtpClientOptions Client(int port, TransportSecurity security) => new()
    {
        Host = "localhost",
        Port = port,
        Security = security,
        HeloName = "client.test",
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ReplyTimeout = TimeSpan.FromSeconds(10),
        DataTimeout = TimeSpan.FromSeconds(10),
    };

    private static OutgoingMessage Message(int i) => new()
    {
        From = new("news@sender.test", "Triton Tests"),
        To = new($"reader{i}@example.test"),
        Subject = $"Grüße number {i}",
        Html = $"<p>Hello reader {i}</p>\r\n<p>.a line starting with a dot</p>",
        MessageId = $"{i}.interop@sender.test",
    };

    [Fact]
    public async Task Starttls_and_auth_against_aiosmtpd_deliver_every_message_once()
    {
        await using var server = await AiosmtpdServer.StartAsync("sender", "s3cret-pässword");
        var client = Client(server.Port, TransportSecurity.StartTls) with
        {
            Username = "sender", Password = "s3cret-pässword", AcceptSelfSignedCertificate = true,
        };
        await using var transport = Transport(client, maxConnections: 2, perConnection: 5);

        var results = await Task.WhenAll(Enumerable.Range(1, 12).Select(i => transport.SendAsync(Message(i), CancellationToken.None)));

        Assert.All(results, r => Assert.Equal(SendOutcome.Accepted, r.Outcome));
        var received = server.Messages();
        Assert.Equal(12, received.Count);
        Assert.All(received, m =>
        {
            Assert.True(m.Envelope.Tls, "the message was sent before STARTTLS");
            Assert.True(m.Envelope.Authenticated);
            Assert.Equal("news@sender.test", m.Envelope.From);
        });
        var parsed = received.Select(m => MimeMessage.Load(new MemoryStream(m.Content))).ToList();
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"{i}.interop@sender.test").Order(), parsed.Select(p => p.MessageId).Order());
        var first = parsed.Single(p => p.MessageId == "1.interop@sender.test");
        Assert.Equal("Grüße number 1", first.Subject);
        Assert.Equal(["reader1@example.test"], received[parsed.IndexOf(first)].Envelope.To);
        Assert.Contains(".a line starting with a dot", first.HtmlBody);
    }

    [Fact]
    public async Task A_wrong_password_and_an_untrusted_certificate_are_transport_failures_with_the_reason()
    {
        await using var server = await AiosmtpdServer.StartAsync("sender", "right");

        await using (var wrongPassword = Transport(Client(server.Port, TransportSecurity.StartTls) with
                     { Username = "sender", Password = "wrong", AcceptSelfSignedCertificate = true }, 1, 10))
        {
            var result = await wrongPassword.SendAsync(Message(1), CancellationToken.None);
            Assert.Equal(SendOutcome.TransportFailure, result.Outcome);
            Assert.Contains("535", result.Reply);
        }

        await using (var untrusted = Transport(Client(server.Port, TransportSecurity.StartTls) with
                     { Username = "sender", Password = "right" }, 1, 10))
        {
            var result = await untrusted.SendAsync(Message(2), CancellationToken.None);
            Assert.Equal(SendOutcome.TransportFailure, result.Outcome);
        }

        Assert.Empty(server.Messages());
    }

    [Fact]
    public async Task Pooled_sending_to_smtp_sink_delivers_every_message_exactly_once()
    {
        await using var sink = await SmtpSink.StartAsync();
        await using var transport = Transport(Client(sink.Port, TransportSecurity.None), maxConnections: 4, perConnection: 40);

        var results = await Task.WhenAll(Enumerable.Range(1, 300).Select(i => transport.SendAsync(Message(i), CancellationToken.None)));

        Assert.All(results, r => Assert.Equal(SendOutcome.Accepted, r.Outcome));
        var ids = sink.Dumps()
            .Select(dump => Regex.Matches(dump, @"^Message-I[Dd]: <([^>]+)>", RegexOptions.Multiline))
            .Select(matches => Assert.Single(matches).Groups[1].Value)
            .ToList();
        Assert.Equal(300, ids.Count);
        Assert.Equal(Enumerable.Range(1, 300).Select(i => $"{i}.interop@sender.test").Order(), ids.Order());
    }
}
