namespace Triton.Core.Sending;

/// <summary>
/// Group commit for a batched writer: callers hand an item over and wait; one loop hands everything
/// waiting (up to a batch) to the owner's <see cref="WriteBatch"/>, which writes it (one transaction) and
/// answers each item once it is committed; what the writer has not answered when it throws gets that
/// exception. At most <c>capacity</c> items wait: further callers wait for room (back-pressure), and may
/// give up waiting.
/// The loop starts with the first item and stops with <see cref="DisposeAsync"/>; whoever creates the
/// group commit owns it. On stopping, what was accepted and not yet written is handed to the writer once
/// more with the (cancelled) stopping token, so each writer settles it its own way: cancels it, or tries
/// it once more; every caller is answered.
/// </summary>
/// <remarks>
/// No channel: a waiting read or write on a .NET 10 bounded channel that is cancelled under CPU
/// contention can make a writer throw, lose an item or leave the reader parked (dotnet/runtime#131141,
/// #132094), and callers here give up waiting whenever a client goes away. Room is a semaphore and the
/// loop's wake-up a <see cref="WakeUp"/>, whose cancelled waits take nothing.
/// </remarks>
public sealed class GroupCommit<TItem, TResult> : IAsyncDisposable
{
    /// <summary>Writes one batch and answers its items. Throwing fails (or, when stopping, cancels) the items not answered yet.</summary>
    public delegate Task WriteBatch(Batch batch, CancellationToken stopping);

    /// <summary>One batch's items, in the order they were handed over, and their callers' answers.</summary>
    public sealed class Batch
    {
        private readonly List<TaskCompletionSource<TResult>> _answers = [];
        private readonly List<TItem> _items = [];

        internal Batch(int capacity)
        {
            _answers.Capacity = capacity;
            _items.Capacity = capacity;
        }

        public IReadOnlyList<TItem> Items => _items;

        /// <summary>Answers the caller of <c>Items[index]</c>: only once its write is committed.</summary>
        public void Answer(int index, TResult result) => _answers[index].TrySetResult(result);

        internal int Count => _items.Count;

        internal void Add(TItem item, TaskCompletionSource<TResult> answer)
        {
            _items.Add(item);
            _answers.Add(answer);
        }

        /// <summary>Settles the callers not answered yet: cancelled, or failed with the exception, or (a writer that returned without answering) failed loudly.</summary>
        internal void Settle(Exception? failure, bool cancelled)
        {
            foreach (var answer in _answers)
                if (cancelled) answer.TrySetCanceled(CancellationToken.None);
                else answer.TrySetException(failure ?? new InvalidOperationException("The batch was written without answering this item."));
        }

        /// <summary>Drops the items already answered, so the last round hands the writer only what is still unsettled.</summary>
        internal void KeepUnanswered()
        {
            for (var i = _answers.Count - 1; i >= 0; i--)
                if (_answers[i].Task.IsCompleted)
                {
                    _answers.RemoveAt(i);
                    _items.RemoveAt(i);
                }
        }

        internal void Clear()
        {
            _items.Clear();
            _answers.Clear();
        }
    }

    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Done);

    private readonly WriteBatch _write;
    private readonly int _batchSize;
    private readonly Queue<Pending> _waiting = new();
    private readonly SemaphoreSlim _room;
    private readonly WakeUp _arrived = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lazy<Task> _loop;
    private bool _closed;

    public GroupCommit(int capacity, int batchSize, WriteBatch write)
    {
        _write = write;
        _batchSize = Math.Max(1, batchSize);
        _room = new SemaphoreSlim(Math.Max(1, capacity), Math.Max(1, capacity));
        _loop = new Lazy<Task>(() => Task.Run(RunAsync));
    }

    /// <summary>
    /// Hands the item over and answers once its batch is written. Cancelling gives up waiting (for room,
    /// or for the answer); an item already handed over is written all the same.
    /// </summary>
    public async Task<TResult> WriteAsync(TItem item, CancellationToken cancellationToken)
    {
        _ = _loop.Value;
        await _room.WaitAsync(cancellationToken);
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiting)
        {
            if (_closed)
            {
                // Pass the room on, so every caller still waiting for it learns of the stop too.
                _room.Release();
                throw new ObjectDisposedException(GetType().Name, "Stopped: nothing more is written.");
            }
            _waiting.Enqueue(new Pending(item, done));
            // Under the lock: no wake-up after the loop has finished and disposed it.
            _arrived.Raise();
        }
        return await done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        var batch = new Batch(_batchSize);
        while (!stopping.IsCancellationRequested)
        {
            if (Take(batch) == 0)
            {
                try { await _arrived.WaitAsync(Timeout.InfiniteTimeSpan, stopping); }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested) { break; }
                continue;
            }
            if (!await WriteAsync(batch, stopping, last: false)) break;
            batch.Clear();
        }
        // Stopped: nothing more is accepted (DisposeAsync closed first); what was goes to the writer in batches as usual.
        while (true)
        {
            Take(batch);
            if (batch.Count == 0) return;
            await WriteAsync(batch, stopping, last: true);
            batch.Clear();
        }
    }

    /// <summary>Moves waiting items to the batch, up to its size, and frees their room.</summary>
    private int Take(Batch batch)
    {
        var taken = 0;
        lock (_waiting)
            while (batch.Count < _batchSize && _waiting.TryDequeue(out var next))
            {
                batch.Add(next.Item, next.Done);
                taken++;
            }
        if (taken > 0) _room.Release(taken);
        return taken;
    }

    /// <summary>Writes the batch and settles its callers; false when stopping interrupted it (the batch is kept for the last round).</summary>
    private async Task<bool> WriteAsync(Batch batch, CancellationToken stopping, bool last)
    {
        try
        {
            await _write(batch, stopping);
            batch.Settle(null, cancelled: false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            if (!last)
            {
                batch.KeepUnanswered();
                return false;
            }
            batch.Settle(null, cancelled: true);
        }
        catch (Exception exception)
        {
            batch.Settle(exception, cancelled: false);
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_waiting) _closed = true;
        await _stopping.CancelAsync();
        // Run even when never started: an item handed over meanwhile is answered by the last round.
        await _loop.Value;
        _arrived.Dispose();
        _stopping.Dispose();
    }
}
