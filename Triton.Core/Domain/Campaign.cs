namespace Triton.Core.Domain;

public enum CampaignState { Idle, Pending, Running, Paused, Finished }

public enum SubjectMode { Static, Sequential, Random }

public sealed class Campaign
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public int? GroupId { get; set; }
    public Group? Group { get; set; }

    public int TemplateId { get; set; }
    public int ListId { get; set; }
    public int TransportId { get; set; }
    public int? TrackingCategoryId { get; set; }

    /// <summary>Opens and clicks are tracked when the campaign has a category and this is on.</summary>
    public bool TrackingEnabled { get; set; } = true;

    public List<string> Subjects { get; set; } = [];
    public SubjectMode SubjectMode { get; set; }
    public required string FromAddress { get; set; }
    public string? FromName { get; set; }
    public DateTimeOffset? ScheduleAt { get; set; }

    /// <summary>Minutes past ScheduleAt after which a late start is refused (the server was down).</summary>
    public int? MaxStartDelayMinutes { get; set; }

    /// <summary>Set once ScheduleAt has fired (or was refused as too late); cleared when ScheduleAt changes.</summary>
    public bool ScheduleConsumed { get; set; }

    public Dictionary<string, string> CustomHeaders { get; set; } = [];

    /// <summary>A JSON object; values may be strings, numbers, booleans, arrays or objects.</summary>
    public string CustomVariables { get; set; } = "{}";

    /// <summary>Messages of this campaign in flight at once, at most.</summary>
    public int Concurrency { get; set; } = 16;

    public CampaignState State { get; set; }

    /// <summary>Why the campaign last changed state on its own (auto-pause, late schedule).</summary>
    public string? StateReason { get; set; }

    /// <summary>Stop starts a new generation: every delivery record of the old one is forgotten.</summary>
    public int Generation { get; set; } = 1;

    /// <summary>The last recipient id enqueued in this generation; enqueue resumes after it.</summary>
    public long EnqueueCursor { get; set; }

    /// <summary>The highest recipient id when the generation started: recipients added later wait for the next one.</summary>
    public long EnqueueLimit { get; set; }
    public bool EnqueueDone { get; set; }

    public CampaignProgress Progress { get; set; } = new();

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Counters of the current generation, kept exact in the database.</summary>
public sealed class CampaignProgress
{
    public long Plan { get; set; }
    public long Enqueued { get; set; }
    public long Sent { get; set; }
    public long Skipped { get; set; }
    public long Failed { get; set; }
    public long Bounced { get; set; }

    public long Processed => Sent + Skipped + Failed + Bounced;
}
