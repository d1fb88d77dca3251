using Triton.Core.Campaigns;
using Triton.Core.Domain;
using Triton.Core.Sending;

namespace Triton.Web.Components.Campaigns;

/// <summary>
/// An interactive page's view of the in-process progress feed: keeps the latest snapshot of each
/// campaign the page shows and hands the changed ones to the page at most once per interval (the
/// <see cref="ProgressPace"/> all open pages share), so a busy campaign re-renders the page a few times
/// a second, never per message. A change of state (Running, Paused, Finished) is handed at once: that is
/// what a person who just clicked waits for.
/// </summary>
public sealed class ProgressWatch : IAsyncDisposable
{
    private readonly Dictionary<int, CampaignProgressEvent> changed = [];
    private readonly Dictionary<int, CampaignState> states = [];
    private readonly WakeUp stateChanged = new();
    private readonly CancellationTokenSource stop = new();
    private readonly IDisposable paced;
    private readonly Task reading;
    private readonly Task handing;

    private ProgressWatch(ICampaignProgressFeed feed, ProgressPace pace, Func<int, bool> shows, Func<IReadOnlyList<CampaignProgressEvent>, Task> onChanged)
    {
        paced = pace.Join();
        reading = ReadAsync(feed, shows, stop.Token);
        handing = HandAsync(onChanged, pace, stop.Token);
    }

    /// <summary>Starts watching: <paramref name="shows"/> picks the campaigns, <paramref name="onChanged"/> gets their new snapshots.</summary>
    public static ProgressWatch Start(ICampaignProgressFeed feed, ProgressPace pace, Func<int, bool> shows,
        Func<IReadOnlyList<CampaignProgressEvent>, Task> onChanged) =>
        new(feed, pace, shows, onChanged);

    private async Task ReadAsync(ICampaignProgressFeed feed, Func<int, bool> shows, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var snapshot in feed.SubscribeAsync(cancellationToken))
                if (shows(snapshot.CampaignId))
                {
                    bool newState;
                    lock (changed)
                    {
                        changed[snapshot.CampaignId] = snapshot;
                        newState = !states.TryGetValue(snapshot.CampaignId, out var state) || state != snapshot.State;
                        states[snapshot.CampaignId] = snapshot.State;
                    }
                    if (newState) stateChanged.Raise();
                }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
    }

    private async Task HandAsync(Func<IReadOnlyList<CampaignProgressEvent>, Task> onChanged, ProgressPace pace, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(pace.Interval);
        // Each wait is kept until it ends: the timer allows one at a time, and a new wait on the wake-up
        // every tick would pile up waiters for as long as the page stays open.
        Task<bool>? tick = null;
        Task<bool>? wake = null;
        try
        {
            while (true)
            {
                tick ??= timer.WaitForNextTickAsync(cancellationToken).AsTask();
                wake ??= stateChanged.WaitAsync(Timeout.InfiniteTimeSpan, cancellationToken);
                var woken = await Task.WhenAny(tick, wake);
                if (!await woken) return;
                if (woken == tick)
                {
                    tick = null;
                    // Pages opened or closed meanwhile: the next tick follows the shared pace.
                    if (pace.Interval is var interval && interval != timer.Period) timer.Period = interval;
                }
                else wake = null;
                List<CampaignProgressEvent> batch;
                lock (changed)
                {
                    if (changed.Count == 0) continue;
                    batch = [.. changed.Values];
                    changed.Clear();
                }
                await onChanged(batch);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        paced.Dispose();
        try { await Task.WhenAll(reading, handing); }
        catch (ObjectDisposedException) { } // the circuit went away while a render was handed over
        stop.Dispose();
        stateChanged.Dispose();
    }
}
