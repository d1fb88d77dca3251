namespace Triton.Core.Data;

/// <summary>
/// One read made for many callers who ask for the same rows at the same moment: every open page of a
/// campaign when the progress feed tells them its state changed. Each caller says how fresh the answer
/// must be (a read started at or after <c>notBefore</c>, e.g. the moment the feed saw the change), and
/// joins the read under way or just done when it is fresh enough; otherwise it starts a new one, which
/// later callers join. A failed read is not shared with later callers. Unlike <see cref="RecentReads{TKey, TValue}"/>
/// nothing is kept for its own sake: an answer is reused only by callers that could not tell it from
/// their own read, so a change made anywhere (this instance or another) is never hidden.
/// </summary>
public sealed class SharedReads<TKey, TValue>(TimeProvider time) where TKey : notnull
{
    /// <summary>Reads older than this are dropped when a new one starts: by then no caller still asks for them.</summary>
    private static readonly TimeSpan Kept = TimeSpan.FromMinutes(1);

    private sealed record Entry(DateTimeOffset StartedAt, Lazy<Task<TValue>> Read);

    private readonly Dictionary<TKey, Entry> _reads = new();
    private readonly Lock _lock = new();

    /// <summary>
    /// The value of <paramref name="key"/> as read at or after <paramref name="notBefore"/>. The read runs
    /// without the caller's token (others may share it); the caller's token ends only its own wait.
    /// </summary>
    public Task<TValue> GetAsync(TKey key, DateTimeOffset notBefore, Func<TKey, CancellationToken, Task<TValue>> read, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_lock)
        {
            if (!_reads.TryGetValue(key, out entry!) || entry.StartedAt < notBefore || Failed(entry))
            {
                var now = time.GetUtcNow();
                foreach (var (old, kept) in _reads)
                    if (now - kept.StartedAt > Kept) _reads.Remove(old);
                // Started outside the lock (the read's first steps are not the lock's business), once.
                entry = new Entry(now, new Lazy<Task<TValue>>(() => read(key, CancellationToken.None)));
                _reads[key] = entry;
            }
        }
        return entry.Read.Value.WaitAsync(cancellationToken);
    }

    private static bool Failed(Entry entry) =>
        entry.Read.IsValueCreated && (entry.Read.Value.IsFaulted || entry.Read.Value.IsCanceled);
}
