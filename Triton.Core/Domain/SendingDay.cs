namespace Triton.Core.Domain;

/// <summary>
/// Deliveries recorded on one UTC day, by outcome, across every campaign: the dashboard's "today"
/// without counting the deliveries table. A delivery retried after failing counts once per outcome.
/// </summary>
public sealed class SendingDay
{
    /// <summary>The UTC date as yyyymmdd.</summary>
    public int Day { get; set; }
    public long Sent { get; set; }
    public long Skipped { get; set; }
    public long Failed { get; set; }
    public long Bounced { get; set; }

    public static int DayOf(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return utc.Year * 10000 + utc.Month * 100 + utc.Day;
    }
}
