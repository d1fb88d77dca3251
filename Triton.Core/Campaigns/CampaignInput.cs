using System.Text.Json;

namespace Triton.Core.Campaigns;

/// <summary>A campaign as the API and the admin form submit it.</summary>
public sealed class CampaignInput : IMessageSettings
{
    public string? Name { get; set; }
    public int? TemplateId { get; set; }
    public int? ListId { get; set; }
    public int? TransportId { get; set; }
    public List<string>? Subjects { get; set; }

    /// <summary>static, sequential or random; static when omitted.</summary>
    public string? SubjectMode { get; set; }
    public string? FromAddress { get; set; }
    public string? FromName { get; set; }
    public DateTimeOffset? ScheduleAt { get; set; }
    public Dictionary<string, string>? CustomHeaders { get; set; }

    /// <summary>Any JSON object; stored as its JSON text.</summary>
    public JsonElement? CustomVariables { get; set; }
    public int? TrackingCategoryId { get; set; }

    /// <summary>Track opens and clicks (when there is a category); omitted: unchanged (on for a new one).</summary>
    public bool? Tracking { get; set; }
    public string? Group { get; set; }
    public string? Description { get; set; }
    public int? Concurrency { get; set; }
    public int? MaxStartDelayMinutes { get; set; }
}
