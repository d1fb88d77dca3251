using System.Text;
using MailKit;

namespace Triton.Core.Mail.Smtp;

/// <summary>A server reply broke a size limit; the session cannot be trusted and is dropped.</summary>
public sealed class SmtpReplyLimitException(string message) : IOException(message);

/// <summary>
/// Watches one MailKit session's bytes through its protocol-log hook, which sees every chunk the client reads
/// (in clear text, after TLS) before MailKit parses it. MailKit buffers a reply without bound; this refuses a
/// reply past <see cref="MaxLines"/> lines or <see cref="MaxBytes"/> bytes, or a line past <see cref="MaxLineBytes"/>,
/// by throwing from the read, so at most one read chunk more than the limit is ever held. It also keeps what Triton
/// reports and classifies with: the greeting, the last EHLO reply, the last complete reply, the command it answered,
/// and whether the end of a message's data has been written (after which a failure must not lead to a second copy).
/// </summary>
public sealed class SmtpReplyGuard : IProtocolLogger
{
    public const int MaxLines = 1000;
    public const int MaxBytes = 64 * 1024;
    public const int MaxLineBytes = 4096;

    // The reply being read.
    private readonly List<string> _lines = [];
    private readonly byte[] _line = new byte[MaxLineBytes];
    private int _lineLength;
    private int _replyBytes;

    // What the client writes.
    private readonly byte[] _command = new byte[64];
    private int _commandLength;
    private bool _inData;
    private ulong _tail;
    private string? _pendingCommand;

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <summary>The first reply of the session; null until it is complete.</summary>
    public SmtpReply? Greeting { get; private set; }

    /// <summary>True once the peer greeted like an SMTP server (220, or a 4xx/5xx refusal).</summary>
    public bool GreetedAsSmtp => Greeting is { Code: 220 or (>= 400 and < 600) };

    /// <summary>The last complete 250 reply to EHLO.</summary>
    public SmtpReply? Ehlo { get; private set; }

    public SmtpReply? LastReply { get; private set; }

    /// <summary>The verb of the last command written (EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, BDAT...).</summary>
    public string? LastCommand { get; private set; }

    /// <summary>The message's end-of-data was written in full: from here the server may have it.</summary>
    public bool DataCommitted { get; private set; }

    /// <summary>Forgets the previous message's commitment; call before each transaction.</summary>
    public void BeginTransaction() => DataCommitted = false;

    public void LogConnect(Uri uri)
    {
    }

    public void LogClient(byte[] buffer, int offset, int count)
    {
        var end = offset + count;
        var i = offset;
        while (i < end)
        {
            if (_inData)
            {
                i = ScanData(buffer, i, end);
                continue;
            }
            var b = buffer[i++];
            if (b == (byte)'\n')
            {
                var command = Encoding.ASCII.GetString(_command, 0, _commandLength).TrimEnd('\r');
                var space = command.IndexOf(' ');
                LastCommand = (space < 0 ? command : command[..space]).ToUpperInvariant();
                if (LastCommand == "BDAT" && command.EndsWith(" LAST", StringComparison.OrdinalIgnoreCase)) DataCommitted = true;
                _pendingCommand = LastCommand;
                _commandLength = 0;
            }
            else if (_commandLength < _command.Length)
            {
                _command[_commandLength++] = b;
            }
        }
    }

    /// <summary>
    /// Looks for CRLF "." CRLF, the terminator that dot-stuffed content can never contain, in the message's data; answers
    /// where the scan stopped (just after the terminator, or the end). The data is a whole message per send, so the bytes
    /// that may join a terminator split across writes are checked one by one and the rest with a vectorized search.
    /// </summary>
    private int ScanData(byte[] buffer, int i, int end)
    {
        // A terminator begun in an earlier write ends within this one's first four bytes.
        for (var k = i; k < Math.Min(end, i + 4); k++)
        {
            _tail = ((_tail << 8) | buffer[k]) & 0xFF_FFFF_FFFF;
            if (_tail == Terminator) return EndData(k + 1);
        }
        var found = buffer.AsSpan(i, end - i).IndexOf("\r\n.\r\n"u8);
        if (found >= 0) return EndData(i + found + 5);
        // Keep the last five bytes, as the byte-by-byte scan would have.
        for (var k = Math.Max(i + 4, end - 5); k < end; k++) _tail = ((_tail << 8) | buffer[k]) & 0xFF_FFFF_FFFF;
        return end;
    }

    private const ulong Terminator = 0x0D_0A2E_0D0A;

    private int EndData(int after)
    {
        _inData = false;
        DataCommitted = true;
        return after;
    }

    public void LogServer(byte[] buffer, int offset, int count)
    {
        var rest = buffer.AsSpan(offset, count);
        while (!rest.IsEmpty)
        {
            var newLine = rest.IndexOf((byte)'\n');
            var text = newLine < 0 ? rest : rest[..newLine];
            // Which limit the text would pass first, byte by byte: the reply's (checked first) or the line's.
            var replyRoom = MaxBytes - _replyBytes;
            var lineRoom = MaxLineBytes - _lineLength;
            if (text.Length > Math.Min(replyRoom, lineRoom) || (newLine >= 0 && text.Length == replyRoom))
            {
                if (replyRoom <= lineRoom) throw new SmtpReplyLimitException($"The server's reply passed {MaxBytes / 1024} KB; the session was dropped.");
                throw new SmtpReplyLimitException($"A line of the server's reply passed {MaxLineBytes} bytes; the session was dropped.");
            }
            text.CopyTo(_line.AsSpan(_lineLength));
            _lineLength += text.Length;
            _replyBytes += text.Length;
            if (newLine < 0) return;
            _replyBytes++;
            EndLine();
            rest = rest[(newLine + 1)..];
        }
    }

    private void EndLine()
    {
        var length = _lineLength > 0 && _line[_lineLength - 1] == (byte)'\r' ? _lineLength - 1 : _lineLength;
        _lineLength = 0;
        if (_lines.Count >= MaxLines)
            throw new SmtpReplyLimitException($"The server's reply passed {MaxLines} lines; the session was dropped.");
        var line = Encoding.UTF8.GetString(_line, 0, length);
        var final = line.Length < 4 || line[3] != '-';
        _lines.Add(line.Length > 4 ? line[4..] : "");
        if (!final) return;

        var code = line.Length >= 3 && int.TryParse(line.AsSpan(0, 3), out var parsed) ? parsed : 0;
        var reply = new SmtpReply(code, _lines.ToArray());
        _lines.Clear();
        _replyBytes = 0;
        if (Greeting is null)
        {
            Greeting = reply;
        }
        else if (_pendingCommand == "EHLO" && code == 250)
        {
            Ehlo = reply;
        }
        if (code == 354)
        {
            _inData = true;
            _tail = 0x0D0A; // the data starts at the beginning of a line
        }
        LastReply = reply;
    }

    public void Dispose()
    {
    }
}
