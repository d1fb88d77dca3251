using System.Collections.Concurrent;

namespace Triton.Core.Sending;

/// <summary>
/// Every job this process holds a lease on and has not yet recorded or given back: prefetched,
/// being sent, or waiting for the result writer. The lease keeper renews exactly these, and a claim
/// never hands a session a job the process already holds, so no job is held (or sent) twice.
/// </summary>
public sealed class LeaseBook
{
    private readonly ConcurrentDictionary<long, ClaimedDelivery> _held = new();

    public int Count => _held.Count;

    /// <summary>False when the job is already held here (a lease that lapsed and was claimed again by this process).</summary>
    public bool TryHold(ClaimedDelivery job) => _held.TryAdd(job.Id, job);

    public void Release(long deliveryId) => _held.TryRemove(deliveryId, out _);

    public void Release(IEnumerable<long> deliveryIds)
    {
        foreach (var id in deliveryIds) _held.TryRemove(id, out _);
    }

    /// <summary>
    /// Takes jobs out of the book just before their results are written: once the write commits, the
    /// database may hand them out again at once (a retry coming due), and the book must not refuse that.
    /// </summary>
    public List<ClaimedDelivery> Take(IEnumerable<long> deliveryIds)
    {
        var taken = new List<ClaimedDelivery>();
        foreach (var id in deliveryIds)
            if (_held.TryRemove(id, out var job)) taken.Add(job);
        return taken;
    }

    /// <summary>Puts back jobs taken for a write the database refused: they are still held here.</summary>
    public void Restore(IEnumerable<ClaimedDelivery> jobs)
    {
        foreach (var job in jobs) _held.TryAdd(job.Id, job);
    }

    public List<ClaimedDelivery> Snapshot() => _held.Values.ToList();
}
