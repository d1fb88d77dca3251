namespace Triton.Core.Bounces;

/// <summary>
/// Cuts the poller's wait short when an admin saves new mailbox settings, so they are tried at once rather than
/// after the old interval. Only the instance the save ran on wakes; the others read the settings at their next poll.
/// </summary>
public sealed class BounceMailboxWakeUp : IDisposable
{
    // At most one wake-up is remembered: several saves during a poll need one more poll, not several.
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try { _signal.Release(); }
        catch (SemaphoreFullException) { }
    }

    /// <summary>Waits for <paramref name="delay"/> or a wake-up, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(delay, time, done.Token);
        var woken = _signal.WaitAsync(done.Token);
        await Task.WhenAny(timer, woken);
        await done.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        // The loser was cancelled: observe it so nothing is left unobserved (a cancelled wait took no wake-up).
        try { await Task.WhenAll(timer, woken); }
        catch (OperationCanceledException) { }
    }

    public void Dispose() => _signal.Dispose();
}
