namespace Triton.Core.Sending;

/// <summary>
/// How the result writers keep a batch the database refuses: it is written again, with backoff, until it goes in.
/// A result is never dropped while the process runs: an unrecorded send would go out again once its lease lapsed.
/// </summary>
public static class RecordingRetry
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="attempt"/> (its failure, or null once the batch is in) until it succeeds, waiting 100 ms,
    /// doubling up to 5 s, between attempts; <paramref name="failed"/> hears of each failure with how long the batch
    /// has been failing, in milliseconds. Once <paramref name="stopping"/> is requested, one more attempt decides:
    /// its failure is returned.
    /// </summary>
    public static async Task<Exception?> UntilRecordedAsync(Func<Task<Exception?>> attempt, Action<Exception, long> failed, CancellationToken stopping)
    {
        var delay = FirstDelay;
        var failingSince = (long?)null;
        while (true)
        {
            var failure = await attempt();
            if (failure is null) return null;
            failingSince ??= Environment.TickCount64;
            failed(failure, Environment.TickCount64 - failingSince.Value);
            if (stopping.IsCancellationRequested) return failure;
            try { await Task.Delay(delay, stopping); }
            catch (OperationCanceledException) { }
            delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, delay.Ticks * 2));
        }
    }
}
