namespace Triton.Core.Triggers;

/// <summary>The "Triggers" section of appsettings.json.</summary>
public sealed class TriggerOptions
{
    public const string Section = "Triggers";

    /// <summary>When the daily trigger test runs: a Quartz cron expression in server time; empty turns it off.</summary>
    public string AutotestCron { get; set; } = "0 0 6 * * ?";

    /// <summary>The transport (by name) that emails admins the failures; empty: the first active trigger's.</summary>
    public string? NotifyTransport { get; set; }

    /// <summary>The sender of those emails; empty: the first active trigger's from address.</summary>
    public string? NotifyFrom { get; set; }

    /// <summary>At most this many accepted events are stored in one transaction (group commit of concurrent requests).</summary>
    public int IntakeBatchSize { get; set; } = 256;

    /// <summary>
    /// How long the events intake keeps an event's contract and active trigger before reading them
    /// again: a change saved on another instance applies within this time (on this one at once); 0 reads them on every event.
    /// </summary>
    public int LookupCacheSeconds { get; set; } = 2;
}
