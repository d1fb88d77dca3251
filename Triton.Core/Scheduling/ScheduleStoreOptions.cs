namespace Triton.Core.Scheduling;

/// <summary>The "Scheduling" section: how the clustered Quartz store (PostgreSQL only) watches its peers.</summary>
public sealed class ScheduleStoreOptions
{
    public const string Section = "Scheduling";

    /// <summary>
    /// How often each instance records in the database that it is alive (PostgreSQL). A peer silent for
    /// twice as long is taken for dead and its fired-but-unfinished schedules are recovered by the others.
    /// </summary>
    public int ClusterCheckinSeconds { get; set; } = 7;
}
