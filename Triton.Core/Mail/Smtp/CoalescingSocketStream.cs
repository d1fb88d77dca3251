using System.Buffers;
using System.Net.Sockets;

namespace Triton.Core.Mail.Smtp;

/// <summary>
/// The SMTP connection's socket as the stream MailKit talks through. Writes are gathered and sent when MailKit flushes,
/// before any read (a client that reads waits for the peer, so nothing it wrote may stay behind), or when 64 KB are
/// waiting. MailKit writes a message's DATA in 4 KB blocks: sent one by one, a 32 KB newsletter took nine system calls
/// and woke the server nine times. Reads and sends time out after <see cref="ReadTimeout"/> and <see cref="WriteTimeout"/>
/// (MailKit sets both to its Timeout) with a <see cref="TimeoutException"/>.
/// </summary>
public sealed class CoalescingSocketStream(Socket socket) : SmtpConnectionStream
{
    private const int SendAt = 64 * 1024;
    private byte[] _pending = ArrayPool<byte>.Shared.Rent(SendAt);
    private int _length;

    public override bool CanTimeout => true;
    public override int ReadTimeout { get; set; } = Timeout.Infinite;
    public override int WriteTimeout { get; set; } = Timeout.Infinite;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_length < 0, this);
        if (_length + buffer.Length > _pending.Length)
        {
            await SendPendingAsync(cancellationToken);
            if (buffer.Length >= _pending.Length)
            {
                await SendAsync(buffer, cancellationToken);
                return;
            }
        }
        buffer.CopyTo(_pending.AsMemory(_length));
        _length += buffer.Length;
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => SendPendingAsync(cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await SendPendingAsync(cancellationToken);
        using var limit = Limit(ReadTimeout, cancellationToken);
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, limit?.Token ?? cancellationToken);
        }
        catch (OperationCanceledException) when (limit is not null && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No data from the server within {ReadTimeout} ms.");
        }
    }

    private ValueTask SendPendingAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_length < 0, this);
        if (_length == 0) return ValueTask.CompletedTask;
        var pending = _pending.AsMemory(0, _length);
        _length = 0;
        return SendAsync(pending, cancellationToken);
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var limit = Limit(WriteTimeout, cancellationToken);
        try
        {
            while (!data.IsEmpty)
            {
                var sent = await socket.SendAsync(data, SocketFlags.None, limit?.Token ?? cancellationToken);
                data = data[sent..];
            }
        }
        catch (OperationCanceledException) when (limit is not null && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The server took no data within {WriteTimeout} ms.");
        }
    }

    /// <summary>The caller's token, ended also after <paramref name="milliseconds"/>; null when there is no limit.</summary>
    private static CancellationTokenSource? Limit(int milliseconds, CancellationToken cancellationToken)
    {
        if (milliseconds == Timeout.Infinite) return null;
        var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(milliseconds);
        return limit;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _length >= 0)
        {
            _length = -1;
            socket.Dispose();
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = [];
        }
        base.Dispose(disposing);
    }
}
