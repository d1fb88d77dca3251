using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Triton.Tests.Mail.TestServers;

/// <summary>What the scripted server does with one command line instead of its default answer.</summary>
public abstract record ServerAction
{
    public sealed record Reply(string Text) : ServerAction;
    public sealed record Drop : ServerAction;
    public sealed record Delay(TimeSpan Duration) : ServerAction;
}

/// <summary>A message the server accepted (content with dot-stuffing undone).</summary>
public sealed record ReceivedMessage(string From, IReadOnlyList<string> Recipients, byte[] Content, string MailCommand);

/// <summary>
/// An in-process SMTP server on 127.0.0.1 with an ephemeral port: a plain RFC 5321 sink by default, with scripted
/// faults (any reply to any command, dropped connections, delays) and a byte-exact record of what clients sent.
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _sessions;
    private int _dataBeforeRecipientReply;

    public ScriptedSmtpServer()
    {
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public string Greeting { get; set; } = "220 scripted.test ESMTP ready";
    public List<string> Extensions { get; set; } = ["PIPELINING", "SIZE 10000000", "8BITMIME", "AUTH PLAIN LOGIN"];
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>When set, every session starts with a TLS handshake using this certificate (implicit TLS, port 465 style).</summary>
    public X509Certificate2? ImplicitTlsCertificate { get; set; }

    /// <summary>(session number from 1, command line) to an action, or null for the default answer.</summary>
    public Func<int, string, ServerAction?> OnCommand { get; set; } = (_, _) => null;

    /// <summary>Drop the connection after this many content bytes of a DATA phase (null: never).</summary>
    public int? DropDuringDataAfterBytes { get; set; }

    public ConcurrentQueue<ReceivedMessage> Messages { get; } = new();
    public ConcurrentDictionary<int, MemoryStream> Transcripts { get; } = new();
    public int SessionCount => Volatile.Read(ref _sessions);
    /// <summary>Transactions whose DATA had arrived before the server answered their RCPT TO: DATA pipelined with them.</summary>
    public int DataBeforeRecipientReply => Volatile.Read(ref _dataBeforeRecipientReply);

    public string Transcript(int session) =>
        Transcripts.TryGetValue(session, out var stream) ? Encoding.UTF8.GetString(stream.ToArray()) : "";

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            var session = Interlocked.Increment(ref _sessions);
            _ = Task.Run(() => ServeAsync(client, session));
        }
    }

    private async Task ServeAsync(TcpClient client, int session)
    {
        var received = Transcripts.GetOrAdd(session, _ => new MemoryStream());
        using var _ = client;
        Stream stream = client.GetStream();
        async Task Send(string text)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text + "\r\n"), _stop.Token);
            await stream.FlushAsync(_stop.Token);
        }
        try
        {
            if (ImplicitTlsCertificate is { } certificate)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, _stop.Token);
            }
            var reader = new LineReader(stream, received);
            await Send(Greeting);
            if (!Greeting.StartsWith("220")) return;
            string? from = null;
            var recipients = new List<string>();
            var mailCommand = "";
            while (true)
            {
                var line = await reader.ReadLineAsync(_stop.Token);
                if (line is null) return;
                var action = OnCommand(session, line);
                if (action is ServerAction.Drop) return;
                if (action is ServerAction.Delay delay) await Task.Delay(delay.Duration, _stop.Token);
                if (action is ServerAction.Reply reply)
                {
                    await Send(reply.Text);
                    if (reply.Text.StartsWith("421")) return;
                    continue;
                }
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        var lines = new[] { "scripted.test greets you" }.Concat(Extensions).ToList();
                        for (var i = 0; i < lines.Count; i++) await Send("250" + (i == lines.Count - 1 ? " " : "-") + lines[i]);
                        break;
                    case "HELO":
                        await Send("250 scripted.test");
                        break;
                    case "AUTH":
                        await AuthenticateAsync(line, reader, Send);
                        break;
                    case "MAIL":
                        from = line[(line.IndexOf('<') + 1)..line.IndexOf('>')];
                        mailCommand = line;
                        recipients.Clear();
                        await Send("250 2.1.0 Ok");
                        break;
                    case "RCPT":
                        recipients.Add(line[(line.IndexOf('<') + 1)..line.IndexOf('>')]);
                        if (reader.NextLineIs("DATA")) Interlocked.Increment(ref _dataBeforeRecipientReply);
                        await Send("250 2.1.5 Ok");
                        break;
                    case "DATA":
                        if (from is null || recipients.Count == 0)
                        {
                            await Send("554 5.5.1 No valid recipients");
                            break;
                        }
                        await Send("354 End data with <CR><LF>.<CR><LF>");
                        var content = await reader.ReadDataAsync(DropDuringDataAfterBytes, _stop.Token);
                        if (content is null) return;
                        var final = OnCommand(session, ".");
                        if (final is ServerAction.Drop) return;
                        if (final is ServerAction.Delay d) await Task.Delay(d.Duration, _stop.Token);
                        if (final is ServerAction.Reply r)
                        {
                            await Send(r.Text);
                        }
                        else
                        {
                            Messages.Enqueue(new ReceivedMessage(from, recipients.ToList(), content, mailCommand));
                            await Send("250 2.0.0 Ok: queued");
                        }
                        from = null;
                        recipients.Clear();
                        break;
                    case "RSET":
                        from = null;
                        recipients.Clear();
                        await Send("250 2.0.0 Ok");
                        break;
                    case "NOOP":
                        await Send("250 2.0.0 Ok");
                        break;
                    case "QUIT":
                        await Send("221 2.0.0 Bye");
                        return;
                    default:
                        await Send("502 5.5.2 Command not recognized");
                        break;
                }
            }
        }
        catch (Exception)
        {
            // A client that goes away or a stopping server ends the session; tests assert on what was recorded.
        }
    }

    private async Task AuthenticateAsync(string line, LineReader reader, Func<string, Task> send)
    {
        var parts = line.Split(' ');
        string? user = null, password = null;
        if (parts.Length >= 3 && parts[1].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
        {
            var fields = Encoding.UTF8.GetString(Convert.FromBase64String(parts[2])).Split('\0');
            (user, password) = (fields[1], fields[2]);
        }
        else if (parts.Length == 2 && parts[1].Equals("LOGIN", StringComparison.OrdinalIgnoreCase))
        {
            await send("334 VXNlcm5hbWU6");
            user = Encoding.UTF8.GetString(Convert.FromBase64String(await reader.ReadLineAsync(_stop.Token) ?? ""));
            await send("334 UGFzc3dvcmQ6");
            password = Encoding.UTF8.GetString(Convert.FromBase64String(await reader.ReadLineAsync(_stop.Token) ?? ""));
        }
        await send(user == Username && password == Password ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid");
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
        _stop.Dispose();
    }

    /// <summary>Reads CRLF lines and DATA content, recording every byte received.</summary>
    private sealed class LineReader(Stream stream, MemoryStream record)
    {
        private readonly byte[] _buffer = new byte[65536];
        private int _start, _end;

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0) return false;
            lock (record) record.Write(_buffer, _end, read);
            _end += read;
            return true;
        }

        private async Task<byte[]?> ReadRawLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var index = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (index >= 0)
                {
                    var line = _buffer.AsSpan(_start, index + 1 - _start).ToArray();
                    _start = index + 1;
                    return line;
                }
                if (!await FillAsync(cancellationToken)) return null;
            }
        }

        /// <summary>Whether the next line has arrived already and is exactly <paramref name="command"/>.</summary>
        public bool NextLineIs(string command)
        {
            var index = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            return index >= 0 && Encoding.ASCII.GetString(_buffer, _start, index + 1 - _start).TrimEnd('\r', '\n') == command;
        }

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = await ReadRawLineAsync(cancellationToken);
            return line is null ? null : Encoding.UTF8.GetString(line).TrimEnd('\r', '\n');
        }

        /// <summary>Reads up to the lone dot, undoing dot-stuffing; null when the peer left or a drop was scripted.</summary>
        public async Task<byte[]?> ReadDataAsync(int? dropAfter, CancellationToken cancellationToken)
        {
            using var content = new MemoryStream();
            var total = 0;
            while (true)
            {
                var line = await ReadRawLineAsync(cancellationToken);
                if (line is null) return null;
                total += line.Length;
                if (dropAfter is { } limit && total > limit) return null;
                if (line.AsSpan().SequenceEqual(".\r\n"u8)) return content.ToArray();
                var start = line.Length > 1 && line[0] == '.' ? 1 : 0;
                content.Write(line, start, line.Length - start);
            }
        }
    }
}
