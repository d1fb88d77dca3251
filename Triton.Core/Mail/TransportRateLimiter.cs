using System.Threading.RateLimiting;

namespace Triton.Core.Mail;

/// <summary>
/// Paces sends on one transport (shared by every campaign on it) with a token bucket, and adapts:
/// a throttling reply halves the rate, accepted messages let it climb back to the configured rate.
/// An optional sliding-window quota (at most N messages in any W seconds) holds on top of the rate and never adapts:
/// it stands for a limit the provider enforces, such as an hourly allowance.
/// One limiter serves a Transport row for the life of the process: an edited row reconfigures it
/// rather than replacing it, so the throttle holds across edits and messages already waiting keep their place.
/// </summary>
public sealed class TransportRateLimiter : IAsyncDisposable
{
    private const double MinimumRate = 0.5;
    private const int AcceptsPerStepUp = 50;
    private readonly Lock _gate = new();
    private double _configuredRate;
    private TokenBucketRateLimiter? _limiter;
    private double _currentRate;
    private int _acceptsSinceChange;
    private SlidingWindowRateLimiter? _window;
    private (int Messages, int Seconds) _windowSettings;

    /// <param name="ratePerSecond">0 or less means unlimited.</param>
    /// <param name="windowMessages">With windowSeconds, at most this many messages in any such window; 0 means no quota.</param>
    /// <param name="windowSeconds">The length of the sliding window.</param>
    public TransportRateLimiter(double ratePerSecond, int windowMessages = 0, int windowSeconds = 0)
    {
        _configuredRate = ratePerSecond;
        _currentRate = ratePerSecond;
        _limiter = ratePerSecond > 0 ? Build(ratePerSecond) : null;
        _windowSettings = (windowMessages, windowSeconds);
        _window = BuildWindow(windowMessages, windowSeconds);
    }

    /// <summary>The limiter of one transport row.</summary>
    public static TransportRateLimiter For(Domain.Transport transport) =>
        new(transport.RatePerSecond, transport.WindowMessages, transport.WindowSeconds);

    public double CurrentRate => _currentRate;

    /// <summary>The rate the row asks for (0: unlimited), before any adaptive slow-down.</summary>
    public double ConfiguredRate => _configuredRate;

    public bool HasWindow => _window is not null;

    /// <summary>
    /// Applies an edited row's limits. Unchanged limits keep the current state (tokens, slow-down,
    /// the window's count); changed ones take effect for every waiting and future message.
    /// </summary>
    public void Reconfigure(double ratePerSecond, int windowMessages, int windowSeconds)
    {
        TokenBucketRateLimiter? oldBucket = null;
        SlidingWindowRateLimiter? oldWindow = null;
        lock (_gate)
        {
            if (Math.Abs(ratePerSecond - _configuredRate) >= 0.001)
            {
                oldBucket = _limiter;
                _configuredRate = ratePerSecond;
                _currentRate = ratePerSecond;
                _acceptsSinceChange = 0;
                _limiter = ratePerSecond > 0 ? Build(ratePerSecond) : null;
            }
            if (_windowSettings != (windowMessages, windowSeconds))
            {
                oldWindow = _window;
                _windowSettings = (windowMessages, windowSeconds);
                _window = BuildWindow(windowMessages, windowSeconds);
            }
        }
        // Waiters on a disposed limiter queue again on the new one (see WaitAsync).
        oldBucket?.Dispose();
        oldWindow?.Dispose();
    }

    /// <summary>Waits for the sliding-window quota (if any), then for the per-second rate.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            SlidingWindowRateLimiter? window;
            lock (_gate) window = _window;
            if (window is null) break;
            try
            {
                using var lease = await window.AcquireAsync(1, cancellationToken);
                if (!lease.IsAcquired) throw new InvalidOperationException("The transport's sliding-window quota refused a permit.");
                break;
            }
            catch (ObjectDisposedException)
            {
                // The quota changed while we waited: queue again on the new window.
            }
        }
        while (true)
        {
            TokenBucketRateLimiter? limiter;
            lock (_gate) limiter = _limiter;
            if (limiter is null) return;
            try
            {
                using var lease = await limiter.AcquireAsync(1, cancellationToken);
                if (lease.IsAcquired) return;
            }
            catch (ObjectDisposedException)
            {
                // The rate changed while we waited: queue again on the new limiter.
            }
        }
    }

    /// <summary>The server asked us to slow down (Deferred, or a dropped connection under load).</summary>
    public void StepDown()
    {
        if (_configuredRate <= 0) return;
        Replace(Math.Max(MinimumRate, _currentRate / 2));
    }

    /// <summary>A message went through; after enough of them the rate climbs a quarter back towards the configured one.</summary>
    public void Accepted()
    {
        if (_configuredRate <= 0) return;
        lock (_gate)
        {
            if (_currentRate >= _configuredRate || ++_acceptsSinceChange < AcceptsPerStepUp) return;
        }
        Replace(Math.Min(_configuredRate, _currentRate + Math.Max(MinimumRate, _configuredRate / 4)));
    }

    private void Replace(double rate)
    {
        TokenBucketRateLimiter? old;
        lock (_gate)
        {
            if (Math.Abs(rate - _currentRate) < 0.001) return;
            old = _limiter;
            _currentRate = rate;
            _acceptsSinceChange = 0;
            _limiter = Build(rate);
        }
        old?.Dispose();
    }

    private static SlidingWindowRateLimiter? BuildWindow(int windowMessages, int windowSeconds) =>
        windowMessages > 0 && windowSeconds > 0
            ? new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = windowMessages,
                Window = TimeSpan.FromSeconds(windowSeconds),
                // Permits come back segment by segment: finer segments follow the window more closely.
                SegmentsPerWindow = Math.Clamp(windowSeconds * 4, 2, 60),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            })
            : null;

    /// <summary>Tokens refill every 100 ms (or per token when slower); bursts stay within one refill.</summary>
    private static TokenBucketRateLimiter Build(double rate)
    {
        var period = rate >= 10 ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1 / rate);
        var perPeriod = Math.Max(1, (int)Math.Round(rate * period.TotalSeconds));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perPeriod,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _limiter?.Dispose();
            _limiter = null;
            _window?.Dispose();
            _window = null;
        }
        return ValueTask.CompletedTask;
    }
}
