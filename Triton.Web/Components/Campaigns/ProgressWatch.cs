using Microsoft.Extensions.Logging;
using Triton.Core.Campaigns;
using Triton.Core.Domain;

namespace Triton.Web.Components.Campaigns;

/// <summary>
/// An interactive page's view of the in-process progress feed, as <see cref="ProgressPace"/> hands it: the latest
/// snapshot of each campaign the page shows, handed to the page at most once per the pace's interval (a change of
/// state at once), so a busy campaign re-renders the page a few times a second, never per message. One hand-over
/// at a time: what arrives meanwhile waits for the next.
/// </summary>
public sealed class ProgressWatch : IAsyncDisposable
{
    private readonly ProgressPace pace;
    private readonly Func<int, bool> shows;
    private readonly Func<IReadOnlyList<CampaignProgressEvent>, Task> onChanged;
    private readonly ILogger logger;
    private readonly Dictionary<int, CampaignProgressEvent> changed = [];
    private readonly Dictionary<int, CampaignState> states = [];
    private Task handing = Task.CompletedTask;
    private bool busy;
    private bool again;
    private bool closed;

    internal ProgressWatch(ProgressPace pace, Func<int, bool> shows, Func<IReadOnlyList<CampaignProgressEvent>, Task> onChanged, ILogger logger)
    {
        this.pace = pace;
        this.shows = shows;
        this.onChanged = onChanged;
        this.logger = logger;
    }

    /// <summary>When (the pace's clock) this watch may take its next paced push; the pace's timer alone reads and moves it.</summary>
    internal long DueAt { get; set; }

    /// <summary>
    /// Keeps the snapshot if the page shows its campaign; true when it must go at once: a change of state, or the
    /// first snapshot of the campaign since the page opened.
    /// </summary>
    internal bool Take(CampaignProgressEvent snapshot)
    {
        if (!shows(snapshot.CampaignId)) return false;
        lock (changed)
        {
            changed[snapshot.CampaignId] = snapshot;
            var newState = !states.TryGetValue(snapshot.CampaignId, out var state) || state != snapshot.State;
            states[snapshot.CampaignId] = snapshot.State;
            return newState;
        }
    }

    /// <summary>Hands what changed to the page now, or right after the hand-over under way.</summary>
    internal void HandNow()
    {
        Task<Task> start;
        lock (changed)
        {
            if (closed) return;
            if (busy)
            {
                again = true;
                return;
            }
            if (changed.Count == 0) return;
            busy = true;
            // Known before it runs, so a page that closes meanwhile waits for it; run outside the lock, on this thread.
            start = new Task<Task>(HandAsync);
            handing = start.Unwrap();
        }
        start.RunSynchronously();
    }

    private async Task HandAsync()
    {
        while (true)
        {
            List<CampaignProgressEvent> batch;
            lock (changed)
            {
                again = false;
                if (closed || changed.Count == 0)
                {
                    busy = false;
                    return;
                }
                batch = [.. changed.Values];
                changed.Clear();
            }
            try
            {
                await onChanged(batch);
            }
            catch (ObjectDisposedException) { } // the circuit went away while a push was handed over
            catch (Exception exception)
            {
                logger.LogWarning(exception, "A page failed to take a progress push");
            }
            lock (changed)
            {
                if (!again)
                {
                    busy = false;
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        pace.Leave(this);
        Task last;
        lock (changed)
        {
            closed = true;
            last = handing;
        }
        await last;
    }
}
