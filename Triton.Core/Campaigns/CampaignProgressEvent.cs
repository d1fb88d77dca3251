using Triton.Core.Domain;

namespace Triton.Core.Campaigns;

/// <summary>
/// A coalesced snapshot of one campaign's progress, published in-process a few times a second at
/// most. The counters are the database's; rate, ETA and in-flight are this instance's view.
/// </summary>
public sealed record CampaignProgressEvent(
    int CampaignId,
    CampaignState State,
    string? StateReason,
    long Plan,
    long Enqueued,
    long Sent,
    long Skipped,
    long Failed,
    long Bounced,
    int InFlight,
    double RatePerSecond,
    TimeSpan? Eta,
    DateTimeOffset At);
