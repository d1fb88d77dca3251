using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Triton.Core.Mail.Mime;
using static Triton.Core.Mail.Smtp.SmtpReplyClassifier;
using MailKitAuthenticationException = MailKit.Security.AuthenticationException;

namespace Triton.Core.Mail.Smtp;

/// <summary>The result of one send on a session; SafeToRetry when it failed before the server could have taken the message.</summary>
public readonly record struct SmtpSendAttempt(SendResult Result, bool SafeToRetry);

/// <summary>
/// One SMTP session on MailKit's <see cref="SmtpClient"/>, over a socket Triton connects itself with TCP_NODELAY (MailKit's
/// own connect leaves Nagle on and waits on delayed ACKs). MailKit speaks the protocol (EHLO/HELO, STARTTLS, AUTH,
/// PIPELINING, SMTPUTF8, dot-stuffing); this type turns what happened into the outcomes the engine acts on. A rejected
/// command leaves the session usable (MailKit resets the transaction); an I/O or protocol failure, a broken reply limit
/// or a 421 makes it unusable. Not thread-safe: the pool gives it to one sender at a time.
/// </summary>
public sealed class SmtpSession : IAsyncDisposable
{
    private static readonly string[] UnusableMechanisms = ["XOAUTH2", "OAUTHBEARER", "NTLM", "GSSAPI"];

    private readonly SmtpClientOptions _options;
    private readonly SmtpClient _client;
    private readonly SmtpReplyGuard _guard;
    private bool _certificateSeen;

    private SmtpSession(SmtpClientOptions options)
    {
        _options = options;
        _guard = new SmtpReplyGuard();
        _client = new DsnSmtpClient(_guard)
        {
            LocalDomain = options.HeloName,
            Timeout = (int)Math.Clamp(options.ReplyTimeout.TotalMilliseconds, 1, int.MaxValue),
            CheckCertificateRevocation = !options.AcceptSelfSignedCertificate,
            ServerCertificateValidationCallback = ValidateCertificate,
        };
    }

    public SmtpReply? Greeting => _guard.Greeting;
    public SmtpCapabilities Capabilities => _guard.Ehlo is { } ehlo ? SmtpCapabilities.Parse(ehlo) : SmtpCapabilities.None;
    public bool IsEncrypted => _client.IsSecure;
    public bool IsAuthenticated => _client.IsAuthenticated;
    public bool IsUsable { get; private set; } = true;
    public int MessagesSent { get; private set; }

    /// <summary>Connects, reads the greeting, says EHLO, starts TLS and authenticates as the options ask.</summary>
    /// <exception cref="SmtpSessionException">A classified failure (refused greeting, TLS unavailable, authentication refused, I/O).</exception>
    public static async Task<SmtpSession> ConnectAsync(SmtpClientOptions options, CancellationToken cancellationToken)
    {
        var session = new SmtpSession(options);
        try
        {
            await session.OpenAsync(cancellationToken);
            return session;
        }
        catch (SmtpSessionException ex)
        {
            (ex.Greeting, ex.Capabilities, ex.Encrypted) = (session._guard.GreetedAsSmtp ? session.Greeting : null, session.Capabilities, session.IsEncrypted);
            await session.DisposeAsync();
            throw;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ConnectTimeout);
            await socket.ConnectAsync(_options.Host, _options.Port, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            socket.Dispose();
            throw NotAnSmtpServer(ex);
        }

        var security = _options.Security switch
        {
            Domain.TransportSecurity.Tls => SecureSocketOptions.SslOnConnect,
            Domain.TransportSecurity.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        Stream stream = new CoalescingSocketStream(socket);
        if (security == SecureSocketOptions.None) stream = new DataPipeliningStream(stream);
        try
        {
            await _client.ConnectAsync(stream, _options.Host, _options.Port, security, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await stream.DisposeAsync();
            throw ConnectFailure(ex);
        }
        foreach (var mechanism in UnusableMechanisms) _client.AuthenticationMechanisms.Remove(mechanism);

        if (!string.IsNullOrEmpty(_options.Username))
            await AuthenticateAsync(cancellationToken);
    }

    /// <summary>
    /// Until a peer has greeted like an SMTP server, whatever went wrong (refused, silent, a banner of another protocol,
    /// no TLS on an implicit TLS port) gets one fixed answer that repeats none of the peer's bytes: a connection test
    /// must not tell an SSH port from a closed one, nor show what another service says.
    /// </summary>
    private SmtpSessionException ConnectFailure(Exception ex)
    {
        var greeting = _guard.Greeting;
        if (TlsFailure(ex) is { } tls && (_certificateSeen || _guard.GreetedAsSmtp))
            return Fail(SendOutcome.TransportFailure, $"TLS with {_options.Host} failed: {tls.Message}" +
                (_options.AcceptSelfSignedCertificate ? "" : " (a self-signed certificate needs AcceptSelfSignedCertificate)"), null);
        if (!_guard.GreetedAsSmtp) return NotAnSmtpServer(ex);
        if (greeting!.Code != 220)
            return new SmtpSessionException(greeting.IsTransientNegative
                ? Classify(greeting, Stage.Greeting)
                : new SendResult(SendOutcome.TransportFailure, "The server refused the session: " + greeting, greeting.Code), false, ex);
        if (ex is NotSupportedException && _options.Security == Domain.TransportSecurity.StartTls && _guard.LastCommand != "STARTTLS")
            return Fail(SendOutcome.TransportFailure, "STARTTLS is required by this transport but the server did not advertise it.", null);
        if (ex is SmtpCommandException command)
        {
            var reply = ReplyOf(command);
            if (reply.IsTransientNegative) return new SmtpSessionException(Classify(reply, Stage.Greeting), false, ex);
            var what = _guard.LastCommand == "STARTTLS" ? "The server refused STARTTLS: " : "The server refused EHLO and HELO: ";
            return Fail(SendOutcome.TransportFailure, what + reply, reply.Code);
        }
        return new SmtpSessionException(new SendResult(SendOutcome.Transient, $"{_options.Host}:{_options.Port}: {Describe(ex)}"), false, ex);
    }

    private SmtpSessionException NotAnSmtpServer(Exception? cause) =>
        new(new SendResult(SendOutcome.Transient, $"{_options.Host}:{_options.Port} did not answer as an SMTP server."), false, cause);

    private static Exception? TlsFailure(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException) return e;
        }
        return ex is SslHandshakeException ? ex.InnerException ?? ex : null;
    }

    private bool ValidateCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        _certificateSeen = certificate is not null;
        if (errors == SslPolicyErrors.None) return true;
        if (!_options.AcceptSelfSignedCertificate) return false;
        // Self-signed or from an unknown authority: the chain is the only problem allowed, never a name mismatch.
        return errors == SslPolicyErrors.RemoteCertificateChainErrors;
    }

    private async Task AuthenticateAsync(CancellationToken cancellationToken)
    {
        if (!IsEncrypted && !_options.AllowAuthWithoutTls)
            throw Fail(SendOutcome.TransportFailure, "Refusing to send the password without TLS (enable STARTTLS or TLS, or AllowAuthWithoutTls).", null);
        if (_client.AuthenticationMechanisms.Count == 0)
            throw Fail(SendOutcome.TransportFailure, "The server offers no AUTH mechanism Triton can use (PLAIN, LOGIN, CRAM-MD5, SCRAM).", null);
        try
        {
            await _client.AuthenticateAsync(_options.Username!, _options.Password ?? "", cancellationToken);
        }
        catch (Exception ex) when (ex is MailKitAuthenticationException or SmtpCommandException or NotSupportedException)
        {
            var reply = _guard.LastReply;
            var outcome = reply is { IsTransientNegative: true } ? SendOutcome.Transient : SendOutcome.TransportFailure;
            throw new SmtpSessionException(new SendResult(outcome, "Authentication failed: " + (reply?.ToString() ?? ex.Message), reply?.Code), false, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new SmtpSessionException(new SendResult(SendOutcome.Transient, $"{_options.Host}:{_options.Port}: {Describe(ex)}"), false, ex);
        }
    }

    /// <summary>Sends one message: MAIL, RCPT, DATA (pipelined when offered), content, final reply.</summary>
    public async Task<SmtpSendAttempt> SendAsync(PreparedMessage message, CancellationToken cancellationToken)
    {
        if (message.RequiresSmtpUtf8 && (_client.Capabilities & MailKit.Net.Smtp.SmtpCapabilities.UTF8) == 0)
            return new(new SendResult(SendOutcome.Rejected, "The message needs SMTPUTF8 (non-ASCII address) and the server does not offer it."), false);
        if (_client.MaxSize > 0 && message.Measure() is var size && size > _client.MaxSize)
            return new(new SendResult(SendOutcome.Rejected, $"The message is {size} bytes; the server accepts at most {_client.MaxSize} (SIZE)."), false);

        _guard.BeginTransaction();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DataTimeout);
        try
        {
            await _client.SendAsync(PreparedMessage.WireFormat, message.Message, message.Sender, [message.Recipient], timeout.Token);
            MessagesSent++;
            var reply = _guard.LastReply;
            return new(SendResult.Accepted(reply?.ToString(), reply?.Code), false);
        }
        catch (SmtpCommandException ex)
        {
            var reply = ReplyOf(ex);
            if (_guard.DataCommitted) MessagesSent++;
            if (reply.Code == 421 || !_client.IsConnected) IsUsable = false;
            var stage = ex.ErrorCode switch
            {
                SmtpErrorCode.RecipientNotAccepted => Stage.Recipient,
                SmtpErrorCode.SenderNotAccepted => Stage.Mail,
                _ => Stage.Data,
            };
            return new(Classify(reply, stage), false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            IsUsable = false;
            throw;
        }
        catch (Exception ex) when (ex is IOException or SmtpProtocolException or TimeoutException or SocketException or ObjectDisposedException
                                       or OperationCanceledException or ServiceNotConnectedException)
        {
            IsUsable = false;
            var committed = _guard.DataCommitted;
            var why = ex is OperationCanceledException ? $"the message took longer than {_options.DataTimeout.TotalSeconds:0.#} s" : Describe(ex);
            var when = committed ? "after the message was sent (it may have been delivered)" : "before the message was accepted";
            return new(new SendResult(SendOutcome.Transient, $"Connection to {_options.Host} failed {when}: {why}"), !committed);
        }
    }

    /// <summary>The server's reply behind a MailKit command exception, as the server worded it.</summary>
    private static SmtpReply ReplyOf(SmtpCommandException ex) =>
        new((int)ex.StatusCode, ex.Message.Split('\n', StringSplitOptions.TrimEntries));

    private string Describe(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SmtpReplyLimitException) return e.Message;
            if (e is TimeoutException || e is SocketException { SocketErrorCode: SocketError.TimedOut })
                return $"No reply from {_options.Host} within {_options.ReplyTimeout.TotalSeconds:0.#} s.";
        }
        return ex.Message;
    }

    /// <summary>Keeps an idle session alive and checks that it still is.</summary>
    public async Task<bool> NoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.NoOpAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SmtpProtocolException or SmtpCommandException or TimeoutException or SocketException
                                       or ServiceNotConnectedException or ObjectDisposedException)
        {
            IsUsable = false;
        }
        return IsUsable;
    }

    /// <summary>Says QUIT politely; a failure here only means the session is already gone.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken)
    {
        if (!IsUsable) return;
        IsUsable = false;
        try
        {
            await _client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SmtpProtocolException or SmtpCommandException or TimeoutException or SocketException
                                       or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private static SmtpSessionException Fail(SendOutcome outcome, string text, int? code) => new(new SendResult(outcome, text, code), false);

    public ValueTask DisposeAsync()
    {
        IsUsable = false;
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
