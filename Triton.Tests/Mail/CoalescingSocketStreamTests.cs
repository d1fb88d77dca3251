using System.Net.Sockets;
using Triton.Core.Mail.Smtp;

namespace Triton.Tests.Mail;

/// <summary>The SMTP connection's stream over a real loopback TCP connection: what reaches the peer, and when.</summary>
public sealed class CoalescingSocketStreamTests : IAsyncLifetime
{
    private LoopbackConnection _connection = null!;
    private CoalescingSocketStream _stream = null!;

    public async Task InitializeAsync()
    {
        _connection = await LoopbackConnection.OpenAsync();
        _stream = new CoalescingSocketStream(_connection.Client);
    }

    public async Task DisposeAsync()
    {
        await _stream.DisposeAsync();
        _connection.Dispose();
    }

    [Fact]
    public async Task Writes_wait_for_a_flush_and_then_arrive_whole_and_in_order()
    {
        var blocks = Enumerable.Range(0, 9).Select(i => Enumerable.Repeat((byte)('a' + i), 4096).ToArray()).ToList();
        foreach (var block in blocks) await _stream.WriteAsync(block);
        await Task.Delay(50);
        Assert.Equal(0, _connection.Peer.Available);

        await _stream.FlushAsync();
        Assert.Equal(blocks.SelectMany(b => b).ToArray(), await ReceiveAsync(9 * 4096));
    }

    [Fact]
    public async Task A_read_sends_what_was_written_before_it_waits_for_the_peer()
    {
        await _stream.WriteAsync("EHLO client.test\r\n"u8.ToArray());
        var reply = new byte[64];
        var read = _stream.ReadAsync(reply).AsTask();

        Assert.Equal("EHLO client.test\r\n"u8.ToArray(), await ReceiveAsync(18));
        await _connection.Peer.SendAsync("250 ok\r\n"u8.ToArray());
        Assert.Equal(8, await read);
    }

    [Fact]
    public async Task At_most_64_KB_wait_for_a_flush()
    {
        var large = new byte[100_000];
        Random.Shared.NextBytes(large);
        await _stream.WriteAsync(large.AsMemory(0, 40_000));
        await _stream.WriteAsync(large.AsMemory(40_000)); // would pass 64 KB: the first 40,000 go
        Assert.Equal(large[..40_000], await ReceiveAsync(40_000));
        await Task.Delay(50);
        Assert.Equal(0, _connection.Peer.Available);

        await _stream.FlushAsync();
        Assert.Equal(large[40_000..], await ReceiveAsync(60_000));
    }

    [Fact]
    public async Task A_read_with_no_answer_times_out_with_a_TimeoutException()
    {
        _stream.ReadTimeout = 100;
        await Assert.ThrowsAsync<TimeoutException>(async () => _ = await _stream.ReadAsync(new byte[16]));
    }

    [Fact]
    public async Task A_send_the_peer_never_reads_times_out_with_a_TimeoutException()
    {
        _stream.WriteTimeout = 200;
        var block = new byte[1024 * 1024];
        // The peer reads nothing: once the kernel's buffers on both sides are full, a send waits, and times out.
        // The caller gives up after 10 s: a send that ignored WriteTimeout ends then, cancelled, not timed out.
        using var caller = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<TimeoutException>(async () =>
        {
            for (var i = 0; i < 256; i++) await _stream.WriteAsync(block, caller.Token);
        });
    }

    private Task<byte[]> ReceiveAsync(int count) => _connection.ReceiveAsync(count);
}
