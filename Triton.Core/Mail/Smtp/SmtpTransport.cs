using Microsoft.Extensions.Logging;
using Triton.Core.Mail.Dkim;
using Triton.Core.Mail.Mime;

namespace Triton.Core.Mail.Smtp;

/// <summary>Pool settings of one SMTP transport.</summary>
public sealed record SmtpPoolOptions(int MaxConnections, int MaxMessagesPerConnection, TimeSpan IdleTimeout);

/// <summary>
/// Sends through a pool of up to MaxConnections persistent SMTP sessions (MailKit, see <see cref="SmtpSession"/>) shared by every user of the transport.
/// A connection is retired after MaxMessagesPerConnection, closed after IdleTimeout unused, kept alive and checked with
/// NOOP while it waits (so a server that dropped it is noticed before a message needs it), and replaced when it breaks;
/// a message whose connection broke before the server could have taken it is tried once more on a fresh connection.
/// </summary>
public sealed class SmtpTransport : IMailTransport, IAsyncDisposable
{
    private readonly SmtpClientOptions _client;
    private readonly SmtpPoolOptions _pool;
    private readonly MimeMessageBuilder _builder;
    private readonly MessageSigner? _signer;
    private readonly TransportRateLimiter _rateLimiter;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _slots;
    private readonly Stack<(SmtpSession Connection, DateTimeOffset LastUsed)> _idle = new();
    private readonly Lock _gate = new();
    private readonly ITimer _sweeper;
    private readonly TimeSpan _sweepEvery;
    private int _sweeping;
    private readonly CancellationTokenSource _disposed = new();

    public SmtpTransport(SmtpClientOptions client, SmtpPoolOptions pool, MimeMessageBuilder builder, MessageSigner? signer, TransportRateLimiter rateLimiter,
        ILogger<SmtpTransport> logger, TimeProvider time)
    {
        _client = client;
        _pool = pool with { MaxConnections = Math.Max(1, pool.MaxConnections), MaxMessagesPerConnection = Math.Max(1, pool.MaxMessagesPerConnection) };
        _builder = builder;
        _signer = signer;
        _rateLimiter = rateLimiter;
        _logger = logger;
        _time = time;
        _slots = new SemaphoreSlim(_pool.MaxConnections, _pool.MaxConnections);
        _sweepEvery = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(100).Ticks, _pool.IdleTimeout.Ticks / 2));
        _sweeper = time.CreateTimer(_ => _ = SweepIdleAsync(), null, _sweepEvery, _sweepEvery);
    }

    public SmtpClientOptions ClientOptions => _client;

    public TransportRateLimiter RateLimiter => _rateLimiter;

    /// <summary>Connections open and waiting for a message.</summary>
    public int IdleConnections
    {
        get
        {
            lock (_gate) return _idle.Count;
        }
    }

    public Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        SendUnlessHaltedAsync(message, CancellationToken.None, cancellationToken);

    public async Task<SendResult> SendUnlessHaltedAsync(OutgoingMessage message, CancellationToken halted, CancellationToken cancellationToken)
    {
        PreparedMessage rendered;
        try
        {
            // Built (and signed) once, before waiting for a connection: a retry sends the same bytes.
            rendered = _builder.Build(message, _signer);
        }
        catch (InvalidHeaderException ex)
        {
            return new SendResult(SendOutcome.Rejected, ex.Message);
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(halted, cancellationToken);
        await _slots.WaitAsync(waiting.Token);
        try
        {
            // Paced after taking a connection slot, so a permit is spent only when the message goes out at once:
            // permits taken while waiting for a slot would reach the server in a later burst than the limits allow.
            await _rateLimiter.WaitAsync(waiting.Token);
            var result = await SendWithRetryAsync(rendered, cancellationToken);
            if (result.Outcome == SendOutcome.Accepted)
            {
                _rateLimiter.Accepted();
                return result with { Prepared = rendered };
            }
            if (result.Outcome == SendOutcome.Deferred) _rateLimiter.StepDown();
            return result;
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<SendResult> SendWithRetryAsync(PreparedMessage rendered, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            // The retry always takes a fresh connection: the idle ones may be as stale as the one that just broke.
            var connection = attempt == 0 ? TakeIdle() : null;
            if (connection is null)
            {
                try
                {
                    connection = await SmtpSession.ConnectAsync(_client, cancellationToken);
                }
                catch (SmtpSessionException ex)
                {
                    return ex.Result;
                }
            }

            SmtpSendAttempt sent;
            try
            {
                sent = await connection.SendAsync(rendered, cancellationToken);
            }
            finally
            {
                await ReturnAsync(connection);
            }
            if (sent.SafeToRetry && attempt == 0)
            {
                _logger.LogInformation("SMTP connection to {Host} broke before the message was taken ({Reply}); retrying on a fresh connection",
                    _client.Host, sent.Result.Reply);
                continue;
            }
            // A connection dropped while other sends are running looks like the server shedding load: slow down.
            if (sent.SafeToRetry && _slots.CurrentCount < _pool.MaxConnections - 1) _rateLimiter.StepDown();
            return sent.Result;
        }
    }

    private SmtpSession? TakeIdle()
    {
        lock (_gate)
        {
            while (_idle.Count > 0)
            {
                var (connection, _) = _idle.Pop();
                if (connection.IsUsable) return connection;
                _ = connection.DisposeAsync().AsTask();
            }
        }
        return null;
    }

    private async Task ReturnAsync(SmtpSession connection)
    {
        if (connection.IsUsable && connection.MessagesSent < _pool.MaxMessagesPerConnection && !_disposed.IsCancellationRequested)
        {
            lock (_gate)
            {
                _idle.Push((connection, _time.GetUtcNow()));
                return;
            }
        }
        await CloseAsync(connection);
    }

    private async Task CloseAsync(SmtpSession connection)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await connection.QuitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// Closes connections unused for longer than IdleTimeout and sends NOOP on those idle since about the
    /// previous sweep; a connection that does not answer 250 is dropped instead of being handed out.
    /// </summary>
    private async Task SweepIdleAsync()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1) return;
        try
        {
            var expired = new List<SmtpSession>();
            var probe = new List<(SmtpSession Connection, DateTimeOffset LastUsed)>();
            var now = _time.GetUtcNow();
            lock (_gate)
            {
                var entries = _idle.Reverse().ToList();
                _idle.Clear();
                foreach (var entry in entries)
                {
                    var idleFor = now - entry.LastUsed;
                    if (idleFor >= _pool.IdleTimeout || !entry.Connection.IsUsable) expired.Add(entry.Connection);
                    else if (idleFor >= _sweepEvery / 2) probe.Add(entry);
                    else _idle.Push(entry);
                }
            }
            foreach (var (connection, lastUsed) in probe)
            {
                using var timeout = new CancellationTokenSource(_client.ReplyTimeout);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _disposed.Token);
                bool alive;
                try
                {
                    alive = await connection.NoopAsync(linked.Token);
                }
                catch (OperationCanceledException)
                {
                    alive = false;
                }
                if (!alive || _disposed.IsCancellationRequested)
                {
                    expired.Add(connection);
                    continue;
                }
                // The last use stays as it was: a NOOP keeps the socket open, it does not make the connection busy.
                lock (_gate) _idle.Push((connection, lastUsed));
            }
            foreach (var connection in expired)
            {
                try
                {
                    await CloseAsync(connection);
                }
                catch (Exception ex)
                {
                    _logger.LogDebug(ex, "Closing an idle SMTP connection failed");
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested) return;
        _disposed.Cancel();
        await _sweeper.DisposeAsync();
        List<SmtpSession> idle;
        lock (_gate)
        {
            idle = _idle.Select(e => e.Connection).ToList();
            _idle.Clear();
        }
        foreach (var connection in idle) await CloseAsync(connection);
        _disposed.Dispose();
    }
}
