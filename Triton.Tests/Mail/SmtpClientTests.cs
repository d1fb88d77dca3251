using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Mail.Mime;
using Triton.Core.Mail.Smtp;
using Triton.Tests.Mail.TestServers;

namespace Triton.Tests.Mail;

/// <summary>The SMTP client and pool against the in-process scripted server over real TCP.</summary>
public sealed class SmtpClientTests : IAsyncLifetime
{
    private readonly ScriptedSmtpServer _server = new();
    private static readonly MimeMessageBuilder Writer = MailParts.Builder();

    private SmtpClientOptions Client(Action<SmtpClientOptions>? _ = null) => new()
    {
        Host = "127.0.0.1",
        Port = _server.Port,
        Security = TransportSecurity.None,
        HeloName = "client.test",
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ReplyTimeout = TimeSpan.FromSeconds(2),
        DataTimeout = TimeSpan.FromSeconds(5),
    };

    private SmtpTransport Transport(SmtpClientOptions? client = null, int maxConnections = 2, int perConnection = 100, double rate = 0,
        TimeSpan? idleTimeout = null) =>
        new(client ?? Client(), new SmtpPoolOptions(maxConnections, perConnection, idleTimeout ?? TimeSpan.FromSeconds(30)), Writer, null,
            new TransportRateLimiter(rate), NullLogger<SmtpTransport>.Instance, TimeProvider.System);

    private static OutgoingMessage Message(string to = "rcpt@x.test", string id = "id1@x.test") =>
        new() { From = new("sender@x.test"), To = new(to), Subject = "Hi", Text = "Line one\r\n.dot line\r\nend", MessageId = id };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++) await Task.Delay(20);
    }

    [Fact]
    public async Task Pipelined_session_sends_exactly_these_bytes()
    {
        var rendered = Writer.Build(Message());
        var bytes = rendered.ToBytes();
        await using (var transport = Transport())
        {
            var result = await transport.SendAsync(Message(), CancellationToken.None);
            Assert.Equal(SendOutcome.Accepted, result.Outcome);
            Assert.Equal(250, result.Code);
        }
        await Eventually(() => _server.Transcript(1).EndsWith("QUIT\r\n"));

        var expected = "EHLO client.test\r\n" +
            $"MAIL FROM:<sender@x.test> SIZE={bytes.Length}\r\nRCPT TO:<rcpt@x.test>\r\nDATA\r\n" +
            Encoding.ASCII.GetString(bytes).Replace("\r\n.", "\r\n..") + ".\r\n" +
            "QUIT\r\n";
        Assert.Equal(expected, _server.Transcript(1));
        var received = Assert.Single(_server.Messages);
        Assert.Equal(bytes, received.Content);
    }

    [Fact]
    public async Task MailKit_copies_the_frozen_body_into_DATA_instead_of_formatting_it_again()
    {
        var prepared = Writer.Build(new OutgoingMessage
        {
            From = new("sender@x.test"), To = new("rcpt@x.test"), Subject = "Hi", Html = "<p>Hello</p>", MessageId = "frozen@x.test",
        });
        var built = prepared.ToBytes();
        // Nothing may change a body once frozen; a change made anyway shows whether MailKit's write copied the body.
        ((MimeKit.MimePart)((MimeKit.Multipart)prepared.Message.Body!)[0]).ContentId = "changed-after-freezing@x.test";

        using (var client = new MailKit.Net.Smtp.SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", _server.Port, MailKit.Security.SecureSocketOptions.None);
            await client.SendAsync(prepared.Message);
            await client.DisconnectAsync(true);
        }

        var received = Assert.Single(_server.Messages);
        Assert.DoesNotContain("changed-after-freezing", Encoding.ASCII.GetString(received.Content));
        Assert.Equal(built, received.Content);
    }

    [Fact]
    public async Task A_server_offering_dsn_is_asked_for_failure_reports_with_headers_and_the_message_id()
    {
        _server.Extensions = ["PIPELINING", "DSN", "8BITMIME"];
        await using (var transport = Transport())
            Assert.Equal(SendOutcome.Accepted, (await transport.SendAsync(Message(), CancellationToken.None)).Outcome);
        await Eventually(() => _server.Transcript(1).EndsWith("QUIT\r\n"));

        Assert.Contains("MAIL FROM:<sender@x.test> ENVID=id1@x.test RET=HDRS\r\nRCPT TO:<rcpt@x.test> NOTIFY=FAILURE ORCPT=rfc822;rcpt@x.test\r\nDATA\r\n", _server.Transcript(1));
    }

    [Theory]
    [InlineData(false)] // commands go one by one
    [InlineData(true)] // DATA goes with MAIL FROM and RCPT TO, and the server refuses it too
    public async Task A_rejected_recipient_resets_and_keeps_the_connection(bool pipelining)
    {
        if (!pipelining) _server.Extensions = ["SIZE 0"];
        _server.OnCommand = (_, line) => line == "RCPT TO:<gone@x.test>" ? new ServerAction.Reply("550 5.1.1 No such user") : null;
        await using var transport = Transport(maxConnections: 1);

        var bounced = await transport.SendAsync(Message("gone@x.test", "a@x.test"), CancellationToken.None);
        var accepted = await transport.SendAsync(Message("ok@x.test", "b@x.test"), CancellationToken.None);

        Assert.Equal(SendOutcome.Bounced, bounced.Outcome);
        Assert.Equal("550 5.1.1 No such user", bounced.Reply);
        Assert.Equal(SendOutcome.Accepted, accepted.Outcome);
        Assert.Equal(1, _server.SessionCount);
        var transcript = _server.Transcript(1);
        Assert.StartsWith("EHLO client.test\r\nMAIL FROM:<sender@x.test> SIZE=", transcript);
        Assert.Contains($"\r\nRCPT TO:<gone@x.test>\r\n{(pipelining ? "DATA\r\n" : "")}RSET\r\nMAIL FROM:<sender@x.test>", transcript);
        if (!pipelining) Assert.Equal(0, _server.DataBeforeRecipientReply);
        Assert.Equal("ok@x.test", Assert.Single(_server.Messages).Recipients.Single());
    }

    [Fact]
    public async Task Data_goes_out_with_mail_and_rcpt_in_one_round_trip_and_each_message_once()
    {
        await using (var transport = Transport(maxConnections: 1))
        {
            for (var i = 0; i < 3; i++)
                Assert.Equal(SendOutcome.Accepted, (await transport.SendAsync(Message(id: $"{i}@x.test"), CancellationToken.None)).Outcome);
        }
        await Eventually(() => _server.Transcript(1).EndsWith("QUIT\r\n"));

        Assert.Equal(3, _server.DataBeforeRecipientReply);
        Assert.Equal(3, _server.Transcript(1).Split("\r\nDATA\r\n").Length - 1);
        Assert.Equal(3, _server.Messages.Count);
    }

    [Fact]
    public async Task A_server_that_takes_data_after_refusing_the_recipient_loses_the_connection_and_receives_nothing()
    {
        _server.OnCommand = (session, line) => line switch
        {
            "RCPT TO:<gone@x.test>" => new ServerAction.Reply("550 5.1.1 No such user"),
            "DATA" when session == 1 => new ServerAction.Reply("354 Go ahead"), // not what RFC 2920 allows
            _ => null,
        };
        await using var transport = Transport(maxConnections: 1);

        var bounced = await transport.SendAsync(Message("gone@x.test", "a@x.test"), CancellationToken.None);
        var accepted = await transport.SendAsync(Message("ok@x.test", "b@x.test"), CancellationToken.None);

        Assert.Equal(SendOutcome.Bounced, bounced.Outcome);
        Assert.Equal(SendOutcome.Accepted, accepted.Outcome);
        Assert.Equal(2, _server.SessionCount);
        Assert.EndsWith("\r\nRCPT TO:<gone@x.test>\r\nDATA\r\n", _server.Transcript(1));
        Assert.Equal("ok@x.test", Assert.Single(_server.Messages).Recipients.Single());
    }

    [Fact]
    public async Task Greeting_554_is_a_transport_failure_with_the_servers_words()
    {
        _server.Greeting = "554 5.3.2 No service for you";
        await using var transport = Transport();
        var result = await transport.SendAsync(Message(), CancellationToken.None);
        Assert.Equal(SendOutcome.TransportFailure, result.Outcome);
        Assert.Contains("No service for you", result.Reply);
    }

    [Fact]
    public async Task Reply_421_mid_session_is_deferred_drops_the_connection_and_slows_the_rate()
    {
        _server.OnCommand = (session, line) => session == 1 && line.StartsWith("MAIL") ? new ServerAction.Reply("421 4.7.0 Too many messages, slow down") : null;
        await using var transport = Transport(rate: 100);
        var deferred = await transport.SendAsync(Message(), CancellationToken.None);
        Assert.Equal(SendOutcome.Deferred, deferred.Outcome);
        Assert.Equal(421, deferred.Code);
        Assert.Equal(50, transport.RateLimiter.CurrentRate);

        var next = await transport.SendAsync(Message(id: "2@x.test"), CancellationToken.None);
        Assert.Equal(SendOutcome.Accepted, next.Outcome);
        Assert.Equal(2, _server.SessionCount);
    }

    [Theory]
    [InlineData("452 4.5.3 Too many recipients", SendOutcome.Deferred)]
    [InlineData("452 4.3.1 Insufficient system storage", SendOutcome.Transient)]
    [InlineData("450 4.2.1 Mailbox busy", SendOutcome.Deferred)]
    [InlineData("550 5.1.1 User unknown", SendOutcome.Bounced)]
    public async Task Recipient_replies_are_classified(string reply, SendOutcome expected)
    {
        _server.OnCommand = (_, line) => line.StartsWith("RCPT") ? new ServerAction.Reply(reply) : null;
        await using var transport = Transport();
        var result = await transport.SendAsync(Message(), CancellationToken.None);
        Assert.Equal(expected, result.Outcome);
        Assert.Equal(reply, result.Reply);
        Assert.Empty(_server.Messages);
    }

    [Fact]
    public async Task Rejection_of_mail_or_data_is_rejected()
    {
        _server.OnCommand = (_, line) => line == "." ? new ServerAction.Reply("554 5.7.1 Spam") : null;
        await using var transport = Transport();
        var result = await transport.SendAsync(Message(), CancellationToken.None);
        Assert.Equal(SendOutcome.Rejected, result.Outcome);
        Assert.Equal("554 5.7.1 Spam", result.Reply);
    }

    [Fact]
    public async Task Connection_dropped_during_data_is_transient_and_never_sent_twice()
    {
        // Whether the server read the terminator cannot be known once it is written, so no retry follows.
        _server.DropDuringDataAfterBytes = 50;
        await using var transport = Transport();
        var result = await transport.SendAsync(Message(), CancellationToken.None);
        Assert.Equal(SendOutcome.Transient, result.Outcome);
        Assert.Equal(1, _server.SessionCount);
        Assert.Empty(_server.Messages);

        _server.DropDuringDataAfterBytes = null;
        Assert.Equal(SendOutcome.Accepted, (await transport.SendAsync(Message(id: "2@x.test"), CancellationToken.None)).Outcome);
        Assert.Equal(2, _server.SessionCount);
    }

    [Fact]
    public async Task Connection_dropped_after_the_terminator_is_transient_and_not_sent_twice()
    {
        _server.OnCommand = (_, line) => line == "." ? new ServerAction.Drop() : null;
        await using var transport = Transport();
        var result = await transport.SendAsync(Message(), CancellationToken.None);
        Assert.Equal(SendOutcome.Transient, result.Outcome);
        Assert.Contains("may have been delivered", result.Reply);
        Assert.Equal(1, _server.SessionCount);
    }

    [Fact]
    public async Task A_server_slower_than_the_reply_timeout_gives_a_transient_outcome()
    {
        _server.OnCommand = (_, line) => line.StartsWith("EHLO") ? new ServerAction.Delay(TimeSpan.FromSeconds(4)) : null;
        await using var transport = Transport();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await transport.SendAsync(Message(), CancellationToken.None);
        Assert.Equal(SendOutcome.Transient, result.Outcome);
        Assert.Contains("within 2 s", result.Reply);
        Assert.InRange(watch.Elapsed.TotalSeconds, 1.5, 3.9);
    }

    [Fact]
    public async Task Auth_5xx_is_a_transport_failure_with_the_servers_words()
    {
        _server.Username = "user";
        _server.Password = "right";
        var client = Client() with { Username = "user", Password = "wrong", AllowAuthWithoutTls = true };
        await using var transport = Transport(client);
        var result = await transport.SendAsync(Message(), CancellationToken.None);
        Assert.Equal(SendOutcome.TransportFailure, result.Outcome);
        Assert.Contains("535 5.7.8 Authentication credentials invalid", result.Reply);
    }

    [Fact]
    public async Task Auth_plain_and_login_succeed_and_are_refused_without_tls_by_default()
    {
        _server.Username = "user";
        _server.Password = "pässword";
        var client = Client() with { Username = "user", Password = "pässword", AllowAuthWithoutTls = true };
        await using (var plain = Transport(client))
            Assert.Equal(SendOutcome.Accepted, (await plain.SendAsync(Message(), CancellationToken.None)).Outcome);
        Assert.Contains("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes("\0user\0pässword")) + "\r\n", _server.Transcript(1));

        _server.Extensions = ["AUTH LOGIN"];
        await using (var login = Transport(client))
            Assert.Equal(SendOutcome.Accepted, (await login.SendAsync(Message(id: "2@x.test"), CancellationToken.None)).Outcome);
        Assert.Contains("AUTH LOGIN\r\ndXNlcg==\r\n", _server.Transcript(2));

        await using var refused = Transport(client with { AllowAuthWithoutTls = false });
        var result = await refused.SendAsync(Message(id: "3@x.test"), CancellationToken.None);
        Assert.Equal(SendOutcome.TransportFailure, result.Outcome);
        Assert.Contains("without TLS", result.Reply);
        Assert.DoesNotContain("AUTH", _server.Transcript(3));
    }

    [Fact]
    public async Task Starttls_required_but_not_advertised_is_a_transport_failure()
    {
        await using var transport = Transport(Client() with { Security = TransportSecurity.StartTls });
        var result = await transport.SendAsync(Message(), CancellationToken.None);
        Assert.Equal(SendOutcome.TransportFailure, result.Outcome);
        Assert.Contains("STARTTLS", result.Reply);
    }

    [Fact]
    public async Task Ehlo_refused_falls_back_to_helo_and_size_limit_refuses_before_sending()
    {
        _server.OnCommand = (_, line) => line.StartsWith("EHLO") ? new ServerAction.Reply("502 5.5.2 What?") : null;
        await using (var transport = Transport())
            Assert.Equal(SendOutcome.Accepted, (await transport.SendAsync(Message(), CancellationToken.None)).Outcome);
        Assert.StartsWith("EHLO client.test\r\nHELO client.test\r\nMAIL FROM:<sender@x.test>\r\nRCPT TO:<rcpt@x.test>\r\n", _server.Transcript(1));

        _server.OnCommand = (_, _) => null;
        _server.Extensions = ["SIZE 100"];
        await using var small = Transport();
        var result = await small.SendAsync(Message(id: "2@x.test"), CancellationToken.None);
        Assert.Equal(SendOutcome.Rejected, result.Outcome);
        Assert.Contains("at most 100", result.Reply);
        Assert.DoesNotContain("MAIL", _server.Transcript(2));
    }

    [Fact]
    public async Task Non_ascii_address_needs_smtputf8()
    {
        await using var transport = Transport();
        var result = await transport.SendAsync(Message("jörg@x.test"), CancellationToken.None);
        Assert.Equal(SendOutcome.Rejected, result.Outcome);
        Assert.Contains("SMTPUTF8", result.Reply);

        _server.Extensions = ["PIPELINING", "8BITMIME", "SMTPUTF8"];
        await using var utf8 = Transport();
        Assert.Equal(SendOutcome.Accepted, (await utf8.SendAsync(Message("jörg@x.test", "2@x.test"), CancellationToken.None)).Outcome);
        var received = _server.Messages.Single();
        Assert.Equal("jörg@x.test", received.Recipients.Single());
        // The body parts stay 7-bit (quoted-printable); only the headers carry UTF-8, which SMTPUTF8 covers (RFC 6531).
        Assert.EndsWith(" SMTPUTF8", received.MailCommand);
        Assert.Contains("To: jörg@x.test\r\n", Encoding.UTF8.GetString(received.Content));
    }

    [Fact]
    public async Task Pool_reuses_connections_up_to_the_limits()
    {
        await using var transport = Transport(maxConnections: 3, perConnection: 5);
        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            transport.SendAsync(Message($"r{i}@x.test", $"{i}@x.test"), CancellationToken.None)));
        Assert.All(results, r => Assert.Equal(SendOutcome.Accepted, r.Outcome));
        Assert.Equal(30, _server.Messages.Count);
        Assert.Equal(30, _server.Messages.Select(m => m.Recipients.Single()).Distinct().Count());
        // At most 5 per connection: at least 6 sessions; reuse keeps it far below one per message.
        Assert.InRange(_server.SessionCount, 6, 9);
    }

    [Fact]
    public async Task A_stale_pooled_connection_is_replaced_without_losing_the_message()
    {
        await using var transport = Transport(maxConnections: 1);
        Assert.Equal(SendOutcome.Accepted, (await transport.SendAsync(Message(), CancellationToken.None)).Outcome);
        _server.OnCommand = (session, line) => session == 1 && line.StartsWith("MAIL") ? new ServerAction.Drop() : null;
        Assert.Equal(SendOutcome.Accepted, (await transport.SendAsync(Message(id: "2@x.test"), CancellationToken.None)).Outcome);
        Assert.Equal(2, _server.Messages.Count);
        Assert.Equal(2, _server.SessionCount);
    }

    [Fact]
    public async Task An_idle_connection_is_kept_alive_with_noop_and_dropped_when_the_server_closed_it()
    {
        await using var transport = Transport(maxConnections: 1, idleTimeout: TimeSpan.FromSeconds(6));
        Assert.Equal(SendOutcome.Accepted, (await transport.SendAsync(Message(), CancellationToken.None)).Outcome);
        for (var i = 0; i < 250 && !_server.Transcript(1).Contains("NOOP"); i++) await Task.Delay(20);
        Assert.Contains("NOOP\r\n", _server.Transcript(1));
        // While it is being probed the connection is out of the pool; once the 250 arrives it is back.
        for (var i = 0; i < 100 && transport.IdleConnections == 0; i++) await Task.Delay(20);
        Assert.Equal(1, transport.IdleConnections);

        // The server goes away from the idle connection: the next NOOP notices and the pool lets it go.
        _server.OnCommand = (session, line) => session == 1 && line == "NOOP" ? new ServerAction.Drop() : null;
        for (var i = 0; i < 400 && transport.IdleConnections > 0; i++) await Task.Delay(20);
        Assert.Equal(0, transport.IdleConnections);

        Assert.Equal(SendOutcome.Accepted, (await transport.SendAsync(Message(id: "2@x.test"), CancellationToken.None)).Outcome);
        Assert.Equal(2, _server.SessionCount);
        Assert.Single(_server.Transcript(1).Split("MAIL FROM").Skip(1));
    }
}
