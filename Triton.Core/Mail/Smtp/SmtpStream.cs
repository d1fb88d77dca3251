using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Triton.Core.Mail.Smtp;

/// <summary>
/// The byte side of a session: buffered writes, CRLF line reads, multi-line reply parsing, TLS upgrade.
/// Knows nothing of commands; <see cref="SmtpConnection"/> holds the protocol state.
/// </summary>
public sealed class SmtpStream(Stream inner) : IAsyncDisposable
{
    private const int MaxLineLength = 4096;

    // RFC 5321 allows 512 octets per reply line and real replies (EHLO's extension list) stay far below
    // these; a peer that goes past them is broken or hostile, and must not make us buffer without end.
    public const int MaxReplyLines = 1000;
    public const int MaxReplyBytes = 64 * 1024;
    private Stream _stream = inner;
    private readonly byte[] _buffer = new byte[16384];
    private int _start;
    private int _end;
    private readonly MemoryStream _pending = new();

    public bool IsEncrypted => _stream is SslStream;

    /// <summary>Whether the peer got as far as showing a certificate in the last TLS handshake.</summary>
    public bool PeerPresentedCertificate { get; private set; }

    public void Write(string text) => _pending.Write(Encoding.UTF8.GetBytes(text));

    public void Write(ReadOnlySpan<byte> bytes) => _pending.Write(bytes);

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Length == 0) return;
        await _stream.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        _pending.SetLength(0);
    }

    /// <summary>Reads "ddd-text" lines up to the final "ddd text" line, at most MaxReplyLines lines and MaxReplyBytes bytes.</summary>
    public async Task<SmtpReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        int? code = null;
        var bytes = 0;
        while (true)
        {
            if (lines.Count == MaxReplyLines)
                throw new SmtpProtocolException($"The server's reply ran past {MaxReplyLines} lines.");
            var (line, length) = await ReadLineAsync(cancellationToken);
            bytes += length;
            if (bytes > MaxReplyBytes)
                throw new SmtpProtocolException($"The server's reply ran past {MaxReplyBytes / 1024} KB.");
            if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2])
                || (line.Length > 3 && line[3] != ' ' && line[3] != '-'))
                throw new SmtpProtocolException($"Unexpected reply line from the server: '{Shorten(line)}'.");
            var lineCode = int.Parse(line.AsSpan(0, 3));
            if (code is not null && lineCode != code)
                throw new SmtpProtocolException($"Reply code changed inside a multi-line reply: '{Shorten(line)}'.");
            code = lineCode;
            lines.Add(line.Length > 4 ? line[4..] : "");
            if (line.Length == 3 || line[3] == ' ') return new SmtpReply(lineCode, lines);
        }
    }

    /// <summary>One line without its CRLF, and the bytes it took on the wire.</summary>
    private async Task<(string Line, int Bytes)> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                // Checked here too: a long line that arrives whole with its newline never reaches the check below.
                if (length > MaxLineLength) throw new SmtpProtocolException("The server sent a reply line longer than 4096 bytes.");
                if (length > 0 && _buffer[newline - 1] == '\r') length--;
                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                var consumed = newline + 1 - _start;
                _start = newline + 1;
                return (line, consumed);
            }
            if (_end - _start >= MaxLineLength) throw new SmtpProtocolException("The server sent a reply line longer than 4096 bytes.");
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0) throw new IOException("The server closed the connection.");
            _end += read;
        }
    }

    /// <summary>Starts TLS on the current stream (STARTTLS or implicit TLS).</summary>
    public async Task UpgradeToTlsAsync(string host, bool acceptSelfSigned, CancellationToken cancellationToken)
    {
        if (_end != _start) throw new SmtpProtocolException("The server sent data before the TLS handshake (possible injection).");
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                PeerPresentedCertificate = certificate is not null;
                return errors == SslPolicyErrors.None || (acceptSelfSigned && certificate is not null && IsOnlySelfSigned(errors, chain));
            },
        }, cancellationToken);
        _stream = ssl;
    }

    /// <summary>Accepts untrusted-root and name problems of a self-signed certificate, never a missing certificate.</summary>
    private static bool IsOnlySelfSigned(SslPolicyErrors errors, X509Chain? chain) =>
        (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0 && chain is not null;

    private static string Shorten(string line) => line.Length > 200 ? line[..200] + "..." : line;

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        await _pending.DisposeAsync();
    }
}
