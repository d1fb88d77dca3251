namespace Triton.Core.Sending;

/// <summary>
/// A wake-up for one kind of waiter: raised any number of times before a wait, it ends that wait once; each wait has
/// a time limit. Not a bounded channel of one item: on .NET 10 a bounded channel can throw from its writer, lose an
/// item or leave its reader parked when a waiting read is cancelled under CPU contention (dotnet/runtime#131141,
/// #132094), and these waits end by their time limit all the time.
/// </summary>
public sealed class WakeUp : IDisposable
{
    private readonly SemaphoreSlim _raised = new(0, 1);

    public void Raise()
    {
        lock (_raised)
            if (_raised.CurrentCount == 0) _raised.Release();
    }

    /// <summary>True when raised, false when <paramref name="limit"/> passed first; throws when cancelled.</summary>
    public Task<bool> WaitAsync(TimeSpan limit, CancellationToken cancellationToken) => _raised.WaitAsync(limit, cancellationToken);

    public void Dispose() => _raised.Dispose();
}
