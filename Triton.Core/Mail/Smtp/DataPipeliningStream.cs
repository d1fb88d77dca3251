using System.Text;

namespace Triton.Core.Mail.Smtp;

/// <summary>
/// Sends DATA in the same round trip as a message's pipelined MAIL FROM and RCPT TO. RFC 2920 lets DATA end a
/// pipelined group, but MailKit waits for the MAIL and RCPT replies before it sends DATA: one round trip more per
/// message, which on a pooled connection is a third of a small message's time. MailKit still sees the conversation it
/// expects: the reply to DATA is held back until MailKit sends DATA itself, and that DATA is not sent again.
/// When MailKit sends something else instead (no recipient was accepted, so it resets), the held reply is read and
/// dropped; had the server answered it with 354 (it waits for a message MailKit will not send), the connection fails,
/// and a server that never saw the final dot delivers nothing. Only for plaintext sessions: under TLS the bytes that
/// pass here are ciphertext.
/// </summary>
public sealed class DataPipeliningStream(Stream inner) : SmtpConnectionStream
{
    private const int GroupLimit = 2048;
    private static readonly byte[] Data = "DATA\r\n"u8.ToArray();

    private enum Phase
    {
        /// <summary>Bytes pass both ways unchanged.</summary>
        Passing,
        /// <summary>A MAIL FROM was written: its group is gathered until MailKit flushes it.</summary>
        Gathering,
        /// <summary>DATA went out with the group: MailKit gets the group's replies and no more.</summary>
        Owed,
        /// <summary>MailKit has the group's replies; the DATA reply waits for MailKit's own DATA.</summary>
        Holding,
    }

    private readonly byte[] _group = new byte[GroupLimit];
    private int _groupLength;
    private readonly byte[] _ahead = new byte[4096];
    private int _aheadStart, _aheadEnd;
    private readonly ReplyLines _replies = new();
    private Phase _phase;
    private int _owed;

    public override bool CanTimeout => inner.CanTimeout;
    public override int ReadTimeout { get => inner.ReadTimeout; set => inner.ReadTimeout = value; }
    public override int WriteTimeout { get => inner.WriteTimeout; set => inner.WriteTimeout = value; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        switch (_phase)
        {
            case Phase.Holding when buffer.Span.SequenceEqual(Data):
                _phase = Phase.Passing; // already sent with the group; its reply is MailKit's next read
                return;
            case Phase.Holding:
                await DropHeldReplyAsync(cancellationToken);
                _phase = Phase.Passing;
                break;
            case Phase.Owed:
                throw new IOException("The SMTP client wrote before it read the replies to its pipelined commands.");
        }
        // A MAIL FROM starts a transaction only where a command can stand: never inside message content, which follows a 354.
        if (_phase == Phase.Passing && _replies.LastCode != 354 && StartsWith(buffer.Span, "MAIL FROM:"u8))
        {
            _phase = Phase.Gathering;
            _groupLength = 0;
        }
        if (_phase == Phase.Gathering)
        {
            if (_groupLength + buffer.Length <= GroupLimit)
            {
                buffer.CopyTo(_group.AsMemory(_groupLength));
                _groupLength += buffer.Length;
            }
            else _phase = Phase.Passing;
        }
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_phase == Phase.Gathering)
        {
            _phase = Phase.Passing;
            if (IsMailAndOneRecipient(_group.AsSpan(0, _groupLength)))
            {
                await inner.WriteAsync(Data, cancellationToken);
                _owed = 2;
                _phase = Phase.Owed;
            }
        }
        await inner.FlushAsync(cancellationToken);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        switch (_phase)
        {
            case Phase.Gathering:
                _phase = Phase.Passing; // read without a flush: not a group MailKit pipelined
                break;
            case Phase.Holding:
                throw new IOException("The SMTP client read a reply to DATA before it sent DATA.");
            case Phase.Owed:
                if (!await FillAheadAsync(cancellationToken)) return 0;
                // Up to the end of the group's last reply: what follows is the reply to DATA.
                var ahead = _ahead.AsSpan(_aheadStart, Math.Min(_aheadEnd - _aheadStart, buffer.Length));
                var length = ahead.Length;
                for (var i = 0; i < ahead.Length; i++)
                {
                    if (!_replies.Add(ahead[i]) || --_owed > 0) continue;
                    length = i + 1;
                    _phase = Phase.Holding;
                    break;
                }
                return TakeAhead(buffer, length);
        }
        if (_aheadEnd > _aheadStart)
        {
            var length = Math.Min(_aheadEnd - _aheadStart, buffer.Length);
            _replies.AddRange(_ahead.AsSpan(_aheadStart, length));
            return TakeAhead(buffer, length);
        }
        var read = await inner.ReadAsync(buffer, cancellationToken);
        _replies.AddRange(buffer.Span[..read]);
        return read;
    }

    /// <summary>Reads the reply to DATA that MailKit will not ask for, and throws if the server took it as the start of a message.</summary>
    private async Task DropHeldReplyAsync(CancellationToken cancellationToken)
    {
        // MailKit never reads this reply, so the reply guard's limit is kept here.
        for (var dropped = 0; dropped <= SmtpReplyGuard.MaxBytes;)
        {
            if (!await FillAheadAsync(cancellationToken))
                throw new IOException("The SMTP server closed the connection before it answered DATA.");
            while (_aheadStart < _aheadEnd)
            {
                dropped++;
                if (!_replies.Add(_ahead[_aheadStart++])) continue;
                if (_replies.LastCode is >= 300 and < 400)
                    throw new IOException($"The SMTP server answered DATA with {_replies.LastCode} but no recipient was accepted; the connection is closed so that nothing is delivered.");
                return;
            }
        }
        throw new SmtpReplyLimitException($"The SMTP server's reply to DATA passed {SmtpReplyGuard.MaxBytes} bytes.");
    }

    /// <summary>Makes sure bytes are waiting ahead; false when the server closed the connection.</summary>
    private async ValueTask<bool> FillAheadAsync(CancellationToken cancellationToken)
    {
        if (_aheadEnd > _aheadStart) return true;
        _aheadStart = 0;
        _aheadEnd = await inner.ReadAsync(_ahead, cancellationToken);
        return _aheadEnd > 0;
    }

    private int TakeAhead(Memory<byte> buffer, int length)
    {
        _ahead.AsSpan(_aheadStart, length).CopyTo(buffer.Span);
        _aheadStart += length;
        return length;
    }

    /// <summary>
    /// Exactly the transaction Triton sends: one MAIL FROM and one RCPT TO, whole lines. A group MailKit had to split
    /// (more recipients than its buffer holds) could be followed by more RCPT TO lines, so nothing else is pipelined.
    /// </summary>
    private static bool IsMailAndOneRecipient(ReadOnlySpan<byte> group)
    {
        var first = group.IndexOf("\r\n"u8);
        if (first < 0 || !StartsWith(group, "MAIL FROM:"u8)) return false;
        var rest = group[(first + 2)..];
        var second = rest.IndexOf("\r\n"u8);
        return second >= 0 && second + 2 == rest.Length && StartsWith(rest, "RCPT TO:"u8);
    }

    private static bool StartsWith(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> prefix) =>
        bytes.Length >= prefix.Length && Ascii.EqualsIgnoreCase(bytes[..prefix.Length], prefix);

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Follows the server's reply lines byte by byte: where each reply ends, and the code of the last one.</summary>
    private sealed class ReplyLines
    {
        private int _column, _code;
        private byte _separator;

        public int LastCode { get; private set; }

        /// <summary>True when this byte ended a reply (its last line: a code not followed by '-').</summary>
        public bool Add(byte b)
        {
            if (b == (byte)'\n')
            {
                var ended = _separator != (byte)'-';
                if (ended) LastCode = _code;
                (_column, _code, _separator) = (0, 0, 0);
                return ended;
            }
            if (_column < 3) _code = _code * 10 + (b - '0');
            else if (_column == 3) _separator = b;
            _column++;
            return false;
        }

        public void AddRange(ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes) Add(b);
        }
    }
}
