namespace Triton.Core.Data;

/// <summary>
/// Rows a hot path reads on every request, kept for a short time. <see cref="Forget"/> drops them all
/// when this instance saves a change, and a read that was under way then is not kept, so a change
/// made here applies at once; a change made by another instance on the same database applies once
/// the entry expires. What was not found is not kept (it is read again each time, so one created
/// elsewhere is seen at once, and clients' made-up keys take no memory). A zero expiry keeps nothing.
/// </summary>
public sealed class RecentReads<TKey, TValue>(TimeSpan expiry, TimeProvider time) where TKey : notnull
{
    private sealed record Entry(TValue Value, DateTimeOffset Expires);

    private readonly Dictionary<TKey, Entry> _entries = new();
    private readonly Lock _lock = new();
    private long _generation;

    public async Task<TValue> GetAsync(TKey key, Func<TKey, CancellationToken, Task<TValue>> read, CancellationToken cancellationToken)
    {
        long generation;
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry) && time.GetUtcNow() < entry.Expires) return entry.Value;
            generation = _generation;
        }
        var value = await read(key, cancellationToken);
        if (value is null || expiry <= TimeSpan.Zero) return value;
        lock (_lock)
        {
            if (generation != _generation) return value;
            _entries[key] = new Entry(value, time.GetUtcNow() + expiry);
        }
        return value;
    }

    /// <summary>Drops everything kept, and whatever is being read right now.</summary>
    public void Forget()
    {
        lock (_lock)
        {
            _generation++;
            _entries.Clear();
        }
    }
}
