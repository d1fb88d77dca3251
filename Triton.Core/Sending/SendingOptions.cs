namespace Triton.Core.Sending;

/// <summary>The "Sending" section of appsettings.json.</summary>
public sealed class SendingOptions
{
    public const string Section = "Sending";

    /// <summary>Workers rendering and sending; 0 turns in-process sending off (cron-driven mode).</summary>
    public int Workers { get; set; } = 8;

    /// <summary>Campaigns running at once; 0 = unlimited. Running campaigns share the workers round-robin.</summary>
    public int MaxParallelCampaigns { get; set; }

    /// <summary>Errors in one run after which the campaign pauses itself; 0 = never.</summary>
    public int MaxSendErrors { get; set; } = 100;

    /// <summary>Attempts per recipient before a transient failure becomes Failed.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>First retry delay; it doubles with each attempt.</summary>
    public double RetryBaseDelaySeconds { get; set; } = 10;

    /// <summary>How long a claimed job is held before another instance may claim it again.</summary>
    public int LeaseSeconds { get; set; } = 120;

    public int EnqueueBatchSize { get; set; } = 5000;
    public int ClaimBatchSize { get; set; } = 500;

    /// <summary>
    /// Results are written in batches of at most this many, or after ResultFlushMilliseconds. Keep it
    /// at most half of ClaimBatchSize: a campaign leases no more than max(2 x concurrency, ClaimBatchSize)
    /// jobs counting results awaiting their write, so a larger batch never fills and every write waits
    /// out the flush timer (2,000 here halved the engine's throughput; see docs/BENCHMARKS.md).
    /// </summary>
    public int ResultBatchSize { get; set; } = 250;
    public int ResultFlushMilliseconds { get; set; } = 50;

    /// <summary>
    /// Thread-pool threads kept ready beyond the workers, so web requests do not queue behind the
    /// workers' blocking SQLite and file calls; 0 leaves the runtime's default (one per core), which
    /// sends a little faster on few cores but lets pages wait while a campaign sends.
    /// </summary>
    public int ReservedThreads { get; set; } = 16;

    /// <summary>How often the engine looks for campaigns to start, resume, pause or finish.</summary>
    public int PollMilliseconds { get; set; } = 250;

    /// <summary>How often progress is published per campaign, at most (and pushed to an open admin page).</summary>
    public int ProgressMilliseconds { get; set; } = 250;

    /// <summary>
    /// Progress pushes a second that all open admin pages take together, at most: with more pages open than
    /// this allows at <see cref="ProgressMilliseconds"/>, each takes fewer (changes of state always go at once). 0: no limit.
    /// </summary>
    public int PagePushesPerSecond { get; set; } = 40;

    /// <summary>How long a transient failure waits before the next attempt: RetryBaseDelaySeconds, doubling, at most an hour.</summary>
    public long RetryDelayMilliseconds(int attempts) =>
        (long)(Math.Min(3600, RetryBaseDelaySeconds * Math.Pow(2, attempts - 1)) * 1000);

    /// <summary>
    /// A job whose lease has less than this left is not handed to a transport: another process may
    /// own it by the time the message goes out.
    /// </summary>
    public long LeaseMarginMilliseconds => Math.Min(5_000, LeaseSeconds * 1000L / 4);
}
