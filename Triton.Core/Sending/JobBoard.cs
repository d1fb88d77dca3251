namespace Triton.Core.Sending;

/// <summary>
/// The running sessions of this process and the fair hand-out of their jobs to workers: each take
/// starts after the campaign served last, so campaigns share the workers round-robin and none starves.
/// </summary>
public sealed class JobBoard : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<CampaignSession> _sessions = [];
    private readonly WakeUp _wake = new();
    private readonly WakeUp _room = new();
    private int _next;

    public IReadOnlyList<CampaignSession> Sessions
    {
        get { lock (_gate) return _sessions.ToArray(); }
    }

    public CampaignSession? Find(int campaignId)
    {
        lock (_gate) return _sessions.FirstOrDefault(s => s.CampaignId == campaignId);
    }

    public void Add(CampaignSession session)
    {
        lock (_gate) _sessions.Add(session);
        Signal();
    }

    public void Remove(CampaignSession session)
    {
        lock (_gate) _sessions.Remove(session);
    }

    public bool TryTake(out CampaignSession session, out ClaimedDelivery job)
    {
        lock (_gate)
        {
            for (var i = 0; i < _sessions.Count; i++)
            {
                var candidate = _sessions[(_next + i) % _sessions.Count];
                if (!candidate.TryStart(out job)) continue;
                _next = (_next + i + 1) % _sessions.Count;
                session = candidate;
                return true;
            }
        }
        session = null!;
        job = null!;
        return false;
    }

    /// <summary>Wakes one waiting worker (new jobs, or a slot freed).</summary>
    public void Signal() => _wake.Raise();

    /// <summary>Waits for a signal; the timeout covers a wake-up lost between two waiters.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _wake.WaitAsync(TimeSpan.FromMilliseconds(50), cancellationToken);

    /// <summary>Tells the dispatcher that results were recorded, so a prefetch has room for more jobs.</summary>
    public void RoomFreed() => _room.Raise();

    /// <summary>
    /// The dispatcher's wait between rounds: until results free room, or the poll interval passes
    /// (new campaigns, retries coming due), whichever is first.
    /// </summary>
    public Task WaitForRoomAsync(TimeSpan poll, CancellationToken cancellationToken) => _room.WaitAsync(poll, cancellationToken);

    public void Dispose()
    {
        _wake.Dispose();
        _room.Dispose();
    }
}
