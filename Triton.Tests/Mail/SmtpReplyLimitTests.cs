using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Mail.Mime;
using Triton.Core.Mail.Smtp;
using Triton.Tests.Mail.TestServers;

namespace Triton.Tests.Mail;

/// <summary>A server whose replies never end (or end far too late) is cut off and dropped, not buffered.</summary>
public sealed class SmtpReplyLimitTests : IAsyncLifetime
{
    private static readonly MimeMessageBuilder Writer = MailParts.Builder();
    private readonly ScriptedSmtpServer _server = new();

    private SmtpTransport Transport() =>
        new(new SmtpClientOptions
            {
                Host = "127.0.0.1",
                Port = _server.Port,
                Security = TransportSecurity.None,
                HeloName = "client.test",
                ConnectTimeout = TimeSpan.FromSeconds(5),
                ReplyTimeout = TimeSpan.FromSeconds(10),
                DataTimeout = TimeSpan.FromSeconds(10),
            },
            new SmtpPoolOptions(1, 100, TimeSpan.FromSeconds(30)), Writer, null, new TransportRateLimiter(0),
            NullLogger<SmtpTransport>.Instance, TimeProvider.System);

    private static OutgoingMessage Message() =>
        new() { From = new("sender@x.test"), To = new("rcpt@x.test"), Subject = "Hi", Text = "body", MessageId = "1@x.test" };

    /// <summary>A multi-line reply of <paramref name="lines"/> lines of <paramref name="width"/> characters each, then a final line.</summary>
    private static string Reply(string code, int lines, int width)
    {
        var text = new StringBuilder();
        for (var i = 0; i < lines; i++) text.Append(code).Append('-').Append('x', width).Append("\r\n");
        return text.Append(code).Append(" done").ToString();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(5_000, 10, "1000 lines")]   // thousands of short continuation lines
    [InlineData(200, 1_000, "64 KB")]       // few lines, each well under the line limit, far too many bytes together
    [InlineData(1, 10_000, "4096 bytes")]   // one absurdly long line, even when it arrives whole
    public async Task An_oversized_ehlo_reply_is_a_protocol_failure_and_the_connection_is_dropped(int lines, int width, string limit)
    {
        _server.OnCommand = (_, line) => line.StartsWith("EHLO") ? new ServerAction.Reply(Reply("250", lines, width)) : null;
        await using var transport = Transport();

        var result = await transport.SendAsync(Message(), CancellationToken.None);

        Assert.Equal(SendOutcome.Transient, result.Outcome);
        Assert.Contains(limit, result.Reply);
        Assert.Empty(_server.Messages);
        // Triton hung up after EHLO: no MAIL, not even a QUIT on the broken session.
        Assert.Equal("EHLO client.test\r\n", _server.Transcript(1));
        Assert.Equal(0, transport.IdleConnections);
    }

    [Fact]
    public async Task An_oversized_reply_to_mail_fails_the_attempt_as_transient_without_sending()
    {
        _server.Extensions = ["SIZE 10000000"];
        _server.OnCommand = (_, line) => line.StartsWith("MAIL") ? new ServerAction.Reply(Reply("250", 3_000, 5)) : null;
        await using var transport = Transport();

        var result = await transport.SendAsync(Message(), CancellationToken.None);

        Assert.Equal(SendOutcome.Transient, result.Outcome);
        Assert.Contains("1000 lines", result.Reply);
        Assert.Empty(_server.Messages);
        Assert.DoesNotContain("RCPT", _server.Transcript(1));
        Assert.Equal(0, transport.IdleConnections);
    }
}
