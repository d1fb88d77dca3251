namespace Triton.Core.Health;

/// <summary>
/// What the dashboard shows about this server: each figure is read when asked, none is cached.
/// <see cref="PublicBaseUrl"/> is where links in messages point (null: no tracking, no one-click unsubscribe URL).
/// Figures this instance cannot read (load average off Linux) are null, never a made-up value.
/// </summary>
public sealed record ServerHealth(
    DateTimeOffset ReadAt,
    bool DatabaseReachable,
    string? DatabaseError,
    IReadOnlyList<DirectoryState> Directories,
    LoadAverage? LoadAverage,
    long ProcessMemoryBytes,
    SystemMemory? SystemMemory,
    long? DatabaseSizeBytes,
    QueueState? Queue,
    int? ActiveTriggers,
    IReadOnlyList<FailingTrigger> FailingTriggers,
    bool SchedulerRunning,
    Bounces.BounceMailboxStatus? BounceMailbox,
    string? PublicBaseUrl)
{
    public bool DirectoriesWritable => Directories.All(d => d.Writable);
}

/// <summary>A directory Triton writes to and whether a file could be created in it just now.</summary>
public sealed record DirectoryState(string Name, string Path, bool Writable, string? Error);

/// <summary>The system's run-queue averages over 1, 5 and 15 minutes, and the cores they compare to.</summary>
public sealed record LoadAverage(double OneMinute, double FiveMinutes, double FifteenMinutes, int Cores);

public sealed record SystemMemory(long TotalBytes, long AvailableBytes);

/// <summary>
/// Messages waiting to be sent: queued deliveries of running campaigns and queued transactional
/// messages, and how long the oldest of them has waited (null when none waits).
/// </summary>
public sealed record QueueState(long CampaignDeliveries, long TransactionalMessages, TimeSpan? OldestAge)
{
    public long Depth => CampaignDeliveries + TransactionalMessages;
}

/// <summary>An active trigger whose last automatic test failed.</summary>
public sealed record FailingTrigger(int Id, string Name, DateTimeOffset? TestedAt, string Error);
