using System.Net.Sockets;
using System.Text;
using Triton.Core.Mail.Smtp;

namespace Triton.Tests.Mail;

/// <summary>
/// The stream that sends DATA with a pipelined MAIL FROM and RCPT TO, written to as MailKit writes (a group in one write,
/// then a flush), over real loopback TCP: the exact bytes the peer receives, and what a reader gets back, and when.
/// </summary>
public sealed class DataPipeliningStreamTests : IAsyncLifetime
{
    private LoopbackConnection _connection = null!;
    private DataPipeliningStream _stream = null!;

    public async Task InitializeAsync()
    {
        _connection = await LoopbackConnection.OpenAsync();
        _stream = new DataPipeliningStream(new CoalescingSocketStream(_connection.Client)) { ReadTimeout = 5_000 };
    }

    public async Task DisposeAsync()
    {
        await _stream.DisposeAsync();
        _connection.Dispose();
    }

    private const string Group = "MAIL FROM:<a@x.test> SIZE=100\r\nRCPT TO:<b@x.test>\r\n";

    [Fact]
    public async Task Data_goes_with_the_group_and_its_reply_waits_for_the_clients_own_data()
    {
        await SendGroupAsync();
        Assert.Equal(Group + "DATA\r\n", await ReceiveAsync(Group.Length + 6));

        // Replies of several lines, arriving a byte at a time, the DATA reply right behind them.
        foreach (var b in "250-2.1.0 Sender\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 Go ahead\r\n"u8.ToArray()) await _connection.Peer.SendAsync(new[] { b });
        Assert.Equal("250-2.1.0 Sender\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n", await ReadAsync(2));
        await Assert.ThrowsAsync<IOException>(async () => _ = await _stream.ReadAsync(new byte[64]));
    }

    [Fact]
    public async Task The_clients_data_is_answered_with_the_held_reply_and_not_sent_again()
    {
        Assert.Equal("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n", await PipelineAsync("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 Go ahead\r\n"));

        await WriteAndFlushAsync("DATA\r\n");
        Assert.Equal("354 Go ahead\r\n", await ReadAsync(1));
        // The content may hold anything, a line that looks like a transaction's start included: it passes as written.
        await WriteAndFlushAsync("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\n");
        await WriteAndFlushAsync(".\r\n");
        Assert.Equal("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\n.\r\n", await ReceiveAsync(45));
        await Task.Delay(50);
        Assert.Equal(0, _connection.Peer.Available);
    }

    [Fact]
    public async Task A_refused_recipient_drops_the_data_reply_and_the_reset_goes_out()
    {
        Assert.Equal("250 2.1.0 Ok\r\n550 5.1.1 No such user\r\n", await PipelineAsync("250 2.1.0 Ok\r\n550 5.1.1 No such user\r\n554 5.5.1 No valid recipients\r\n250 2.0.0 Reset\r\n"));

        await WriteAndFlushAsync("RSET\r\n");
        Assert.Equal("RSET\r\n", await ReceiveAsync(6));
        Assert.Equal("250 2.0.0 Reset\r\n", await ReadAsync(1));
    }

    [Fact]
    public async Task A_server_waiting_for_content_nobody_sends_fails_the_connection_before_anything_more_is_written()
    {
        await PipelineAsync("250 2.1.0 Ok\r\n550 5.1.1 No such user\r\n354 Go ahead\r\n");

        await Assert.ThrowsAsync<IOException>(() => WriteAndFlushAsync("RSET\r\n"));
        await Task.Delay(50);
        Assert.Equal(0, _connection.Peer.Available);
    }

    [Fact]
    public async Task A_data_reply_nobody_reads_is_bounded_as_every_reply_is()
    {
        await PipelineAsync("250 2.1.0 Ok\r\n550 5.1.1 No such user\r\n");
        var endless = _connection.Peer.SendAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("554-No valid recipients\r\n", 3000))));

        await Assert.ThrowsAsync<SmtpReplyLimitException>(() => WriteAndFlushAsync("RSET\r\n"));
        await endless;
    }

    [Theory]
    [InlineData("MAIL FROM:<a@x.test>\r\n")] // one command at a time: the server does not pipeline
    [InlineData("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nRCPT TO:<c@x.test>\r\n")] // more recipients than Triton sends
    [InlineData("NOOP\r\n")]
    public async Task Anything_but_one_mail_and_one_recipient_goes_as_written(string commands)
    {
        await WriteAndFlushAsync(commands);
        Assert.Equal(commands, await ReceiveAsync(commands.Length));
        await Task.Delay(50);
        Assert.Equal(0, _connection.Peer.Available);
    }

    private Task SendGroupAsync() => WriteAndFlushAsync(Group);

    /// <summary>The group goes out with DATA, the peer answers <paramref name="replies"/>, and the client reads the group's two replies.</summary>
    private async Task<string> PipelineAsync(string replies)
    {
        await SendGroupAsync();
        Assert.Equal(Group + "DATA\r\n", await ReceiveAsync(Group.Length + 6));
        await _connection.Peer.SendAsync(Encoding.ASCII.GetBytes(replies));
        return await ReadAsync(2);
    }

    private async Task WriteAndFlushAsync(string text)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        await _stream.FlushAsync();
    }

    /// <summary>Reads as a client reads replies, until <paramref name="replies"/> replies are complete.</summary>
    private async Task<string> ReadAsync(int replies)
    {
        var text = new StringBuilder();
        var buffer = new byte[256];
        while (CompleteReplies(text.ToString()) < replies)
        {
            var read = await _stream.ReadAsync(buffer);
            if (read == 0) throw new IOException("closed");
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return text.ToString();
    }

    private static int CompleteReplies(string text) =>
        text.Split("\r\n").SkipLast(1).Count(line => line.Length < 4 || line[3] != '-');

    private async Task<string> ReceiveAsync(int count) => Encoding.ASCII.GetString(await _connection.ReceiveAsync(count));
}
