using System.Text;
using Triton.Core.Mail.Smtp;

namespace Triton.Tests.Mail;

/// <summary>The guard notices the end of a message's data however MailKit splits the writes, and nothing before it.</summary>
public sealed class SmtpReplyGuardDataTests
{
    private static readonly byte[] Data = Encoding.ASCII.GetBytes("Subject: x\r\n\r\nline one\r\n..dot-stuffed\r\n.\r\n" + "MAIL FROM:<a@x.test>\r\n");

    private static SmtpReplyGuard InData()
    {
        var guard = new SmtpReplyGuard();
        guard.LogServer("220 ready\r\n"u8.ToArray(), 0, 11);
        guard.LogClient("DATA\r\n"u8.ToArray(), 0, 6);
        guard.LogServer("354 go\r\n"u8.ToArray(), 0, 8);
        return guard;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(4096)]
    public void The_terminator_is_found_across_writes_of_any_size(int chunk)
    {
        var guard = InData();
        var terminatorEnd = Encoding.ASCII.GetString(Data).IndexOf("\r\n.\r\n", StringComparison.Ordinal) + 5;
        for (var offset = 0; offset < Data.Length; offset += chunk)
        {
            var count = Math.Min(chunk, Data.Length - offset);
            Assert.Equal(offset >= terminatorEnd, guard.DataCommitted);
            guard.LogClient(Data, offset, count);
        }
        Assert.True(guard.DataCommitted);
        Assert.Equal("MAIL", guard.LastCommand);
    }

    [Fact]
    public void An_empty_message_ends_at_its_first_line()
    {
        var guard = InData();
        guard.LogClient(".\r\n"u8.ToArray(), 0, 3);
        Assert.True(guard.DataCommitted);
    }

    [Fact]
    public void A_dot_stuffed_line_is_not_the_end()
    {
        var guard = InData();
        var bytes = "a\r\n..\r\nb\r\n"u8.ToArray();
        guard.LogClient(bytes, 0, bytes.Length);
        Assert.False(guard.DataCommitted);
    }
}
