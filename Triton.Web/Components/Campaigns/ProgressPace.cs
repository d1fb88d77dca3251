using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Campaigns;
using Triton.Core.Sending;

namespace Triton.Web.Components.Campaigns;

/// <summary>
/// Hands the progress feed to every open page (<see cref="ProgressWatch"/>) from one subscription and one timer.
/// A push costs the server about the same for every page however little it changes (Blazor's render batch, its
/// send over the circuit and the browser's acknowledgement), so the open pages share a budget of pushes a second
/// (<see cref="SendingOptions.PagePushesPerSecond"/>): a page alone takes one every
/// <see cref="SendingOptions.ProgressMilliseconds"/>, and with many open each takes fewer, so fifty pages cost the
/// campaign they watch about what a few do. A change of state (Running, Paused, Finished) goes to the pages that show
/// the campaign at once: that is what a person who just clicked waits for.
/// </summary>
/// <remarks>
/// One reader and one timer for all pages, not one each: fifty pages that each read the feed and kept their own timer
/// woke the thread pool a few hundred times a second to keep a snapshot, and their pushes fell at scattered moments,
/// each waking threads of its own. Due pages are handed their pushes together on each tick instead.
/// </remarks>
public sealed class ProgressPace(ICampaignProgressFeed feed, IOptions<SendingOptions> options, TimeProvider time, ILogger<ProgressPace> logger)
    : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ProgressWatch> _watches = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    /// <summary>The watches open now.</summary>
    public int Open
    {
        get { lock (_gate) return _watches.Count; }
    }

    /// <summary>How often the pace looks for due pages: the feed's own interval.</summary>
    private TimeSpan Tick => TimeSpan.FromMilliseconds(Math.Max(50, options.Value.ProgressMilliseconds));

    /// <summary>The interval at which each open watch hands its changes now.</summary>
    public TimeSpan Interval
    {
        get
        {
            var budget = options.Value.PagePushesPerSecond;
            if (budget <= 0) return Tick;
            var shared = TimeSpan.FromSeconds((double)Math.Max(1, Open) / budget);
            return shared > Tick ? shared : Tick;
        }
    }

    /// <summary>Starts handing snapshots of the campaigns <paramref name="shows"/> picks to <paramref name="onChanged"/>, until the watch is disposed.</summary>
    public ProgressWatch Watch(Func<int, bool> shows, Func<IReadOnlyList<CampaignProgressEvent>, Task> onChanged)
    {
        var watch = new ProgressWatch(this, shows, onChanged, logger);
        lock (_gate)
        {
            _watches.Add(watch);
            watch.DueAt = time.GetTimestamp();
            _running ??= RunAsync(_stop.Token);
        }
        return watch;
    }

    internal void Leave(ProgressWatch watch)
    {
        lock (_gate) _watches.Remove(watch);
    }

    private ProgressWatch[] Watches()
    {
        lock (_gate) return [.. _watches];
    }

    /// <summary>Subscribes before it returns, so the first page's watch misses nothing published after it opened.</summary>
    private Task RunAsync(CancellationToken stopping) => Task.WhenAll(ReadAsync(stopping), TickAsync(stopping));

    /// <summary>Keeps each watch's latest snapshot per campaign; what must go at once (a change of state) is handed at once.</summary>
    private async Task ReadAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var snapshot in feed.SubscribeAsync(stopping))
            {
                foreach (var watch in Watches())
                {
                    // One page's failure (its filter reading what its circuit changes) must not stop the others' pushes.
                    try
                    {
                        if (watch.Take(snapshot)) watch.HandNow();
                    }
                    catch (Exception exception)
                    {
                        logger.LogWarning(exception, "A page failed to take progress of campaign {CampaignId}", snapshot.CampaignId);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        catch (Exception exception)
        {
            logger.LogError(exception, "Reading the progress feed for the open pages failed");
        }
    }

    /// <summary>On each tick, hands their changes to the watches whose interval has passed, together.</summary>
    private async Task TickAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                var now = time.GetTimestamp();
                var interval = Interval;
                // Half a tick early counts as due: a page due just after this tick would otherwise wait a whole one more.
                var slack = (long)(Tick.TotalSeconds / 2 * time.TimestampFrequency);
                foreach (var watch in Watches())
                {
                    if (watch.DueAt - slack > now) continue;
                    watch.DueAt = now + (long)(interval.TotalSeconds * time.TimestampFrequency);
                    watch.HandNow();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task? running;
        lock (_gate) running = _running;
        if (running is not null) await running;
        _stop.Dispose();
    }
}
