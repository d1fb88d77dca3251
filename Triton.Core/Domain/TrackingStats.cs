namespace Triton.Core.Domain;

/// <summary>Where a tracked message came from.</summary>
public enum TrackedSource { Campaign = 0, Trigger = 1 }

/// <summary>What a recipient did with a tracked message.</summary>
public enum TrackingEventKind { Open = 0, Click = 1 }

/// <summary>
/// Counts of one UTC day, one tracking category and one user_id ("" for recipients without one):
/// sends, opens and clicks, with machine fetches (privacy proxies, link scanners) counted apart
/// from people. Times are Unix milliseconds, as the hot paths write them.
/// </summary>
public sealed class TrackingDay
{
    /// <summary>The UTC date as yyyymmdd.</summary>
    public int Day { get; set; }
    public int CategoryId { get; set; }
    public string UserId { get; set; } = "";
    public long Sent { get; set; }
    public long Opens { get; set; }
    public long UniqueOpens { get; set; }
    public long MachineOpens { get; set; }
    public long Clicks { get; set; }
    public long UniqueClicks { get; set; }
    public long MachineClicks { get; set; }
    public long? LastSentAt { get; set; }
    public long? LastOpenedAt { get; set; }
}

/// <summary>The same counts per campaign or trigger and day, for its own charts.</summary>
public sealed class TrackedSourceDay
{
    public TrackedSource SourceKind { get; set; }
    public int SourceId { get; set; }
    public int Day { get; set; }
    public long Sent { get; set; }
    public long Opens { get; set; }
    public long UniqueOpens { get; set; }
    public long MachineOpens { get; set; }
    public long Clicks { get; set; }
    public long UniqueClicks { get; set; }
    public long MachineClicks { get; set; }
}

/// <summary>Clicks on one link of a campaign or trigger, by people (machine clicks are not counted here).</summary>
public sealed class TrackedLink
{
    public TrackedSource SourceKind { get; set; }
    public int SourceId { get; set; }
    public required string Url { get; set; }
    public long Clicks { get; set; }
}

/// <summary>
/// The first open (or click) of one message: a row exists once it happened, which is what makes
/// the next one not unique. Reference is the delivery id (campaigns) or the message row id (triggers).
/// </summary>
public sealed class TrackingFirst
{
    public TrackedSource SourceKind { get; set; }
    public long Reference { get; set; }
    public TrackingEventKind Kind { get; set; }
    public long At { get; set; }
}
