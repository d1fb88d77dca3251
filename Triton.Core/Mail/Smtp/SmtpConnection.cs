using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Triton.Core.Mail.Mime;
using static Triton.Core.Mail.Smtp.SmtpReplyClassifier;

namespace Triton.Core.Mail.Smtp;

/// <summary>The result of one send on a connection; SafeToRetry when the failure happened before the message could have been taken.</summary>
public readonly record struct SmtpSendAttempt(SendResult Result, bool SafeToRetry);

/// <summary>
/// One SMTP session (RFC 5321): greeting, EHLO/HELO, STARTTLS, AUTH, then transactions.
/// A rejected command leaves it usable (after RSET); an I/O or protocol failure or a 421 marks it unusable.
/// Not thread-safe: one user at a time (the pool sees to that).
/// </summary>
public sealed class SmtpConnection : IAsyncDisposable
{
    private readonly SmtpClientOptions _options;
    private readonly SmtpStream _stream;

    private SmtpConnection(SmtpClientOptions options, SmtpStream stream)
    {
        _options = options;
        _stream = stream;
    }

    public SmtpCapabilities Capabilities { get; private set; } = SmtpCapabilities.None;
    public SmtpReply? Greeting { get; private set; }
    public bool IsEncrypted => _stream.IsEncrypted;
    public bool IsAuthenticated { get; private set; }
    public bool IsUsable { get; private set; } = true;
    public int MessagesSent { get; private set; }

    /// <summary>Connects, reads the greeting, says EHLO, starts TLS and authenticates as the options ask.</summary>
    /// <exception cref="SmtpSessionException">A classified failure (refused greeting, TLS unavailable, authentication refused, I/O).</exception>
    public static async Task<SmtpConnection> ConnectAsync(SmtpClientOptions options, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(options.ConnectTimeout);
                try
                {
                    await socket.ConnectAsync(options.Host, options.Port, timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"Could not connect to {options.Host}:{options.Port} within {options.ConnectTimeout.TotalSeconds:0.#} s.");
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            socket.Dispose();
            throw NotAnSmtpServer(options, ex);
        }

        var connection = new SmtpConnection(options, new SmtpStream(new NetworkStream(socket, ownsSocket: true)));
        try
        {
            await connection.OpenSessionAsync(cancellationToken);
            return connection;
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or AuthenticationException or SocketException)
        {
            await connection.DisposeAsync();
            var outcome = ex is AuthenticationException ? SendOutcome.TransportFailure : SendOutcome.Transient;
            throw new SmtpSessionException(new SendResult(outcome, $"{options.Host}:{options.Port}: {ex.Message}"), false);
        }
        catch (SmtpSessionException ex)
        {
            (ex.Greeting, ex.Capabilities, ex.Encrypted) = (connection.Greeting, connection.Capabilities, connection.IsEncrypted);
            await connection.DisposeAsync();
            throw;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task OpenSessionAsync(CancellationToken cancellationToken)
    {
        Greeting = await ReadGreetingAsync(cancellationToken);
        if (Greeting.Code != 220)
        {
            var result = Greeting.IsTransientNegative
                ? Classify(Greeting, Stage.Greeting)
                : new SendResult(SendOutcome.TransportFailure, "The server refused the session: " + Greeting, Greeting.Code);
            throw new SmtpSessionException(result, false);
        }
        await HelloAsync(cancellationToken);

        if (_options.Security == Domain.TransportSecurity.StartTls)
        {
            if (!Capabilities.StartTls)
                throw Fail(SendOutcome.TransportFailure, "STARTTLS is required by this transport but the server did not advertise it.", null);
            var reply = await CommandAsync("STARTTLS\r\n", cancellationToken);
            if (reply.Code != 220)
                throw Fail(SendOutcome.TransportFailure, "The server refused STARTTLS: " + reply, reply.Code);
            await TlsAsync(cancellationToken);
            // RFC 3207: forget what was learned before TLS and ask again.
            await HelloAsync(cancellationToken);
        }

        if (!string.IsNullOrEmpty(_options.Username))
            await AuthenticateAsync(cancellationToken);
    }

    /// <summary>
    /// The greeting (after the handshake of implicit TLS). Until a peer has greeted like an SMTP server, whatever goes
    /// wrong (refused, silent, a banner of another protocol) gets one fixed answer that repeats none of the peer's
    /// bytes: a connection test must not tell an SSH port from a closed one, nor show what another service says.
    /// </summary>
    private async Task<SmtpReply> ReadGreetingAsync(CancellationToken cancellationToken)
    {
        SmtpReply greeting;
        try
        {
            if (_options.Security == Domain.TransportSecurity.Tls)
                await TlsAsync(cancellationToken);
            greeting = await ReadAsync(_options.ReplyTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or AuthenticationException or SocketException)
        {
            throw NotAnSmtpServer(_options, ex);
        }
        // RFC 5321 greets with 220, or refuses with 421 or 554; other 4xx/5xx refusals are SMTP too, anything else is not.
        if (greeting.Code != 220 && !greeting.IsTransientNegative && !greeting.IsPermanentNegative)
            throw NotAnSmtpServer(_options, null);
        return greeting;
    }

    private static SmtpSessionException NotAnSmtpServer(SmtpClientOptions options, Exception? cause) =>
        new(new SendResult(SendOutcome.Transient, $"{options.Host}:{options.Port} did not answer as an SMTP server."), false, cause);

    private async Task TlsAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ReplyTimeout);
        try
        {
            await _stream.UpgradeToTlsAsync(_options.Host, _options.AcceptSelfSignedCertificate, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("The TLS handshake timed out.");
        }
        catch (AuthenticationException ex) when (Greeting is not null || _stream.PeerPresentedCertificate)
        {
            // An SMTP server (it greeted, or showed a certificate on the implicit TLS port): say why TLS failed.
            // Before that, the peer may not speak TLS or SMTP at all, and ReadGreetingAsync answers for it.
            throw Fail(SendOutcome.TransportFailure, $"TLS with {_options.Host} failed: {ex.Message}" +
                (_options.AcceptSelfSignedCertificate ? "" : " (a self-signed certificate needs AcceptSelfSignedCertificate)"), null);
        }
    }

    private async Task HelloAsync(CancellationToken cancellationToken)
    {
        var reply = await CommandAsync($"EHLO {_options.HeloName}\r\n", cancellationToken);
        if (reply.Code == 250)
        {
            Capabilities = SmtpCapabilities.Parse(reply);
            return;
        }
        // Servers that predate ESMTP answer 500/502: fall back to HELO with no extensions.
        reply = await CommandAsync($"HELO {_options.HeloName}\r\n", cancellationToken);
        if (reply.Code != 250)
            throw new SmtpSessionException(reply.IsTransientNegative
                ? Classify(reply, Stage.Greeting)
                : new SendResult(SendOutcome.TransportFailure, "The server refused EHLO and HELO: " + reply, reply.Code), false);
        Capabilities = SmtpCapabilities.None;
    }

    private async Task AuthenticateAsync(CancellationToken cancellationToken)
    {
        if (!IsEncrypted && !_options.AllowAuthWithoutTls)
            throw Fail(SendOutcome.TransportFailure, "Refusing to send the password without TLS (enable STARTTLS or TLS, or AllowAuthWithoutTls).", null);
        var mechanisms = Capabilities.AuthMechanisms;
        var user = _options.Username!;
        var password = _options.Password ?? "";
        SmtpReply reply;
        if (mechanisms.Contains("PLAIN"))
        {
            reply = await CommandAsync("AUTH PLAIN " + Base64("\0" + user + "\0" + password) + "\r\n", cancellationToken);
        }
        else if (mechanisms.Contains("LOGIN"))
        {
            reply = await CommandAsync("AUTH LOGIN\r\n", cancellationToken);
            if (reply.Code == 334) reply = await CommandAsync(Base64(user) + "\r\n", cancellationToken);
            if (reply.Code == 334) reply = await CommandAsync(Base64(password) + "\r\n", cancellationToken);
        }
        else
        {
            throw Fail(SendOutcome.TransportFailure,
                $"The server offers no AUTH PLAIN or LOGIN (it offers: {(mechanisms.Count == 0 ? "none" : string.Join(" ", mechanisms))}).", null);
        }
        if (reply.Code != 235)
        {
            var outcome = reply.IsTransientNegative ? SendOutcome.Transient : SendOutcome.TransportFailure;
            throw Fail(outcome, "Authentication failed: " + reply, reply.Code);
        }
        IsAuthenticated = true;
    }

    /// <summary>Sends one message: MAIL, RCPT, DATA (pipelined when offered), content, final reply.</summary>
    public async Task<SmtpSendAttempt> SendAsync(RenderedMessage message, CancellationToken cancellationToken)
    {
        var committed = false;
        try
        {
            if (Capabilities.MaxSize is { } max && message.Bytes.LongLength > max)
                return new(new SendResult(SendOutcome.Rejected, $"The message is {message.Bytes.LongLength} bytes; the server accepts at most {max} (SIZE)."), false);
            if (message.RequiresSmtpUtf8 && !Capabilities.SmtpUtf8)
                return new(new SendResult(SendOutcome.Rejected, "The message needs SMTPUTF8 (non-ASCII address) and the server does not offer it."), false);
            var eightBit = message.Bytes.AsSpan().IndexOfAnyExceptInRange((byte)0, (byte)127) >= 0;
            if (eightBit && !Capabilities.EightBitMime)
                return new(new SendResult(SendOutcome.Rejected, "The message has 8-bit content and the server does not offer 8BITMIME."), false);

            var mail = new StringBuilder("MAIL FROM:<").Append(message.EnvelopeFrom).Append('>');
            if (Capabilities.MaxSize is not null || Capabilities.Extensions.ContainsKey("SIZE")) mail.Append(" SIZE=").Append(message.Bytes.Length);
            if (eightBit) mail.Append(" BODY=8BITMIME");
            if (message.RequiresSmtpUtf8) mail.Append(" SMTPUTF8");
            mail.Append("\r\n");
            var rcpt = $"RCPT TO:<{message.EnvelopeTo}>\r\n";

            SmtpReply mailReply, rcptReply, dataReply;
            if (Capabilities.Pipelining)
            {
                _stream.Write(mail.ToString());
                _stream.Write(rcpt);
                _stream.Write("DATA\r\n");
                await FlushAsync(cancellationToken);
                // A 421 closes the session: the replies after it will never come.
                mailReply = await ReadAsync(_options.ReplyTimeout, cancellationToken);
                if (mailReply.Code == 421) return new(await RejectedAsync(mailReply, Stage.Mail, cancellationToken), false);
                rcptReply = await ReadAsync(_options.ReplyTimeout, cancellationToken);
                if (rcptReply.Code == 421) return new(await RejectedAsync(rcptReply, Stage.Recipient, cancellationToken), false);
                dataReply = await ReadAsync(_options.ReplyTimeout, cancellationToken);
                if ((!mailReply.IsPositive || !rcptReply.IsPositive) && dataReply.Code == 354)
                {
                    // The server opened DATA without a valid recipient: nothing safe can follow on this connection.
                    IsUsable = false;
                    return new(Classify(!mailReply.IsPositive ? mailReply : rcptReply, !mailReply.IsPositive ? Stage.Mail : Stage.Recipient), false);
                }
            }
            else
            {
                mailReply = await CommandAsync(mail.ToString(), cancellationToken);
                if (!mailReply.IsPositive) return new(await RejectedAsync(mailReply, Stage.Mail, cancellationToken), false);
                rcptReply = await CommandAsync(rcpt, cancellationToken);
                if (!rcptReply.IsPositive) return new(await RejectedAsync(rcptReply, Stage.Recipient, cancellationToken), false);
                dataReply = await CommandAsync("DATA\r\n", cancellationToken);
            }
            if (!mailReply.IsPositive) return new(await RejectedAsync(mailReply, Stage.Mail, cancellationToken), false);
            if (!rcptReply.IsPositive) return new(await RejectedAsync(rcptReply, Stage.Recipient, cancellationToken), false);
            if (dataReply.Code != 354) return new(await RejectedAsync(dataReply, Stage.Data, cancellationToken), false);

            SmtpReply final;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_options.DataTimeout);
                try
                {
                    _stream.Write(DotStuffing.Apply(message.Bytes));
                    await _stream.FlushAsync(timeout.Token);
                    // From here the server may have the message: a failure must not lead to a second copy.
                    committed = true;
                    _stream.Write(".\r\n"u8);
                    await _stream.FlushAsync(timeout.Token);
                    final = await _stream.ReadReplyAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"The DATA phase took longer than {_options.DataTimeout.TotalSeconds:0.#} s.");
                }
            }
            MessagesSent++;
            if (final.IsPositive) return new(SendResult.Accepted(final.ToString(), final.Code), false);
            if (final.Code == 421) IsUsable = false;
            return new(Classify(final, Stage.Data), false);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or SocketException or ObjectDisposedException)
        {
            IsUsable = false;
            var when = committed ? "after the message was sent (it may have been delivered)" : "before the message was accepted";
            return new(new SendResult(SendOutcome.Transient, $"Connection to {_options.Host} failed {when}: {ex.Message}"), !committed);
        }
        catch (OperationCanceledException)
        {
            IsUsable = false;
            throw;
        }
    }

    /// <summary>Classifies a negative reply and resets the transaction so the connection can carry the next message.</summary>
    private async Task<SendResult> RejectedAsync(SmtpReply reply, Stage stage, CancellationToken cancellationToken)
    {
        var result = Classify(reply, stage);
        if (reply.Code == 421)
        {
            IsUsable = false;
            return result;
        }
        var reset = await CommandAsync("RSET\r\n", cancellationToken);
        if (!reset.IsPositive) IsUsable = false;
        return result;
    }

    /// <summary>Keeps an idle connection alive and checks that it still is.</summary>
    public async Task<bool> NoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            var reply = await CommandAsync("NOOP\r\n", cancellationToken);
            if (reply.Code != 250) IsUsable = false;
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or SocketException)
        {
            IsUsable = false;
        }
        return IsUsable;
    }

    /// <summary>Says QUIT politely; a failure here only means the connection is already gone.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken)
    {
        if (!IsUsable) return;
        IsUsable = false;
        try
        {
            _stream.Write("QUIT\r\n");
            await FlushAsync(cancellationToken);
            await ReadAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task<SmtpReply> CommandAsync(string command, CancellationToken cancellationToken)
    {
        _stream.Write(command);
        await FlushAsync(cancellationToken);
        return await ReadAsync(_options.ReplyTimeout, cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ReplyTimeout);
        try
        {
            await _stream.FlushAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("Writing to the server timed out.");
        }
    }

    private async Task<SmtpReply> ReadAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            return await _stream.ReadReplyAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No reply from {_options.Host} within {limit.TotalSeconds:0.#} s.");
        }
    }

    private static SmtpSessionException Fail(SendOutcome outcome, string text, int? code) => new(new SendResult(outcome, text, code), false);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public ValueTask DisposeAsync()
    {
        IsUsable = false;
        return _stream.DisposeAsync();
    }
}
