using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Sending;

namespace Triton.Core.Campaigns;

/// <summary>
/// Publishes coalesced progress: a few times a second it reads the counters of active and recently
/// changed campaigns in one query (the shared counters, so every instance sees every campaign) and
/// hands each changed snapshot to the subscribers. Nothing polls the database per browser.
/// A campaign stays watched for a while after its last change, so results that settle after a
/// pause (messages that were in flight) and a round that failed are published all the same.
/// </summary>
public sealed class CampaignProgressFeed(
    IDbContextFactory<TritonDbContext> contexts,
    JobBoard board,
    TimeProvider time,
    IOptions<SendingOptions> options,
    ILogger<CampaignProgressFeed> logger) : BackgroundService, ICampaignProgressFeed
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<int, DateTimeOffset> _watched = new();
    private readonly ConcurrentDictionary<int, CampaignProgressEvent> _latest = new();
    private readonly ConcurrentDictionary<Subscriber, byte> _subscribers = new();
    private readonly Dictionary<int, Queue<(DateTimeOffset At, long Processed)>> _samples = [];
    private readonly WakeUp _stateChanged = new();

    public void MarkChanged(int campaignId) => _watched[campaignId] = time.GetUtcNow() + Linger;

    /// <summary>
    /// A campaign's state changed (Run, Pause, the engine starting or finishing it): publish now rather
    /// than at the next round, so a page shows Running or Paused as soon as it is true. Counters alone
    /// (<see cref="MarkChanged"/>) wait for the round: they change with every batch of results.
    /// </summary>
    public void MarkStateChanged(int campaignId)
    {
        MarkChanged(campaignId);
        _stateChanged.Raise();
    }

    public CampaignProgressEvent? Latest(int campaignId) => _latest.GetValueOrDefault(campaignId);

    public async IAsyncEnumerable<CampaignProgressEvent> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscriber = new Subscriber(256);
        _subscribers[subscriber] = 0;
        try
        {
            while (true)
            {
                while (subscriber.TryTake(out var item)) yield return item;
                await subscriber.WaitAsync(cancellationToken);
            }
        }
        finally
        {
            _subscribers.TryRemove(subscriber, out _);
        }
    }

    /// <summary>
    /// One subscriber's snapshots: at most <c>capacity</c> wait, the oldest dropped for a newer one, so a slow
    /// page misses steps rather than holding memory. Not a bounded channel: a page or SignalR client closing
    /// cancels the wait, and on .NET 10 a cancelled wait on a bounded channel can make its writer throw or lose
    /// items under CPU contention (dotnet/runtime#131141, #132094); a cancelled <see cref="WakeUp"/> wait takes nothing.
    /// </summary>
    private sealed class Subscriber(int capacity) : IDisposable
    {
        private readonly Queue<CampaignProgressEvent> _waiting = new();
        private readonly WakeUp _arrived = new();
        private bool _closed;

        public void Offer(CampaignProgressEvent snapshot)
        {
            lock (_waiting)
            {
                if (_closed) return;
                if (_waiting.Count == capacity) _waiting.Dequeue();
                _waiting.Enqueue(snapshot);
                _arrived.Raise();
            }
        }

        public bool TryTake(out CampaignProgressEvent snapshot)
        {
            lock (_waiting) return _waiting.TryDequeue(out snapshot!);
        }

        public Task WaitAsync(CancellationToken cancellationToken) => _arrived.WaitAsync(Timeout.InfiniteTimeSpan, cancellationToken);

        public void Dispose()
        {
            // Under the lock: the publisher may still hold this subscriber for the round under way.
            lock (_waiting) _closed = true;
            _arrived.Dispose();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(Math.Max(50, options.Value.ProgressMilliseconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishAsync(stoppingToken);
                await NextRoundAsync(interval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception exception) { logger.LogWarning(exception, "Publishing progress failed"); }
        }
    }

    /// <summary>Waits for the interval, or less when a state changed.</summary>
    private async Task NextRoundAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        // The feed's clock decides the interval (tests drive it); a state change ends the wait at once.
        using var round = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(interval, time, round.Token);
        var changed = _stateChanged.WaitAsync(Timeout.InfiniteTimeSpan, round.Token);
        await Task.WhenAny(delay, changed);
        await round.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
        // A wake-up taken by the cancelled wait is not lost: the round that follows publishes every change.
        try { await changed; } catch (OperationCanceledException) { }
    }

    public override void Dispose()
    {
        _stateChanged.Dispose();
        base.Dispose();
    }

    /// <summary>One publishing round; public so tests and the cron endpoint can force one.</summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var (id, until) in _watched)
            if (until < now) _watched.TryRemove(new KeyValuePair<int, DateTimeOffset>(id, until));
        var changed = _watched.Keys.ToArray();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Campaigns.AsNoTracking()
            .Where(c => c.State == CampaignState.Pending || c.State == CampaignState.Running || changed.Contains(c.Id))
            .Select(c => new { c.Id, c.State, c.StateReason, c.Progress })
            .ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            var p = row.Progress;
            var rate = Rate(row.Id, now, p.Processed, row.State);
            TimeSpan? eta = rate > 0 && p.Plan > p.Processed ? TimeSpan.FromSeconds((p.Plan - p.Processed) / rate) : null;
            var session = board.Find(row.Id);
            // A pause the database has not taken yet (it is full or read-only) still shows its reason.
            var reason = row.StateReason ?? (session?.PendingPause is { } pending ? "Pausing: " + pending : null);
            var snapshot = new CampaignProgressEvent(row.Id, row.State, reason, p.Plan, p.Enqueued, p.Sent, p.Skipped, p.Failed, p.Bounced,
                session?.Unsettled ?? 0, Math.Round(rate, 1), eta, now);
            if (_latest.TryGetValue(row.Id, out var previous) && SameProgress(previous, snapshot)) continue;
            _latest[row.Id] = snapshot;
            foreach (var subscriber in _subscribers.Keys) subscriber.Offer(snapshot);
        }
    }

    private double Rate(int campaignId, DateTimeOffset now, long processed, CampaignState state)
    {
        if (state != CampaignState.Running)
        {
            _samples.Remove(campaignId);
            return 0;
        }
        if (!_samples.TryGetValue(campaignId, out var samples)) _samples[campaignId] = samples = new();
        samples.Enqueue((now, processed));
        while (samples.Count > 1 && now - samples.Peek().At > RateWindow) samples.Dequeue();
        var (since, before) = samples.Peek();
        var seconds = (now - since).TotalSeconds;
        return seconds < 0.5 ? 0 : (processed - before) / seconds;
    }

    private static bool SameProgress(CampaignProgressEvent a, CampaignProgressEvent b) =>
        a with { At = b.At, RatePerSecond = b.RatePerSecond, Eta = b.Eta } == b;
}
