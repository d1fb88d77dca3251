namespace Triton.Core.Tracking;

/// <summary>The "Tracking" section of appsettings.json: how opens and clicks are recorded.</summary>
public sealed class TrackingOptions
{
    public const string Section = "Tracking";

    /// <summary>Events waiting for the writer, at most; beyond it new ones are dropped and counted in the log.</summary>
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>
    /// Events written in one transaction, at most. Kept small so the transaction holds SQLite's one
    /// writer for milliseconds: the result writer of a running campaign waits for it.
    /// </summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long the writer waits to fill a batch before writing what it has.</summary>
    public int FlushMilliseconds { get; set; } = 200;

    /// <summary>
    /// A fetch this soon after the message was composed is a machine's (a prefetching proxy or a
    /// scanner at the receiving server): no person opens a message that fast. 0 turns the rule off.
    /// </summary>
    public int MachineWindowSeconds { get; set; } = 5;

    /// <summary>Requests to /t/ per second from one client address; 0 turns the limit off.</summary>
    public int RequestsPerSecondPerAddress { get; set; } = 200;

    public bool IsValid => QueueCapacity > 0 && BatchSize > 0 && FlushMilliseconds > 0 && MachineWindowSeconds >= 0 && RequestsPerSecondPerAddress >= 0;
}
