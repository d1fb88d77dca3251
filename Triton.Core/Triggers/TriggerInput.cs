using System.Text.Json;
using Triton.Core.Campaigns;

namespace Triton.Core.Triggers;

/// <summary>A trigger as the API and the admin submit it; <see cref="Event"/> names its contract.</summary>
public sealed class TriggerInput : IMessageSettings
{
    public string? Name { get; set; }
    public string? Event { get; set; }
    public int? TemplateId { get; set; }
    public int? TransportId { get; set; }
    public List<string>? Subjects { get; set; }
    public string? SubjectMode { get; set; }
    public string? FromAddress { get; set; }
    public string? FromName { get; set; }
    public Dictionary<string, string>? CustomHeaders { get; set; }
    public JsonElement? CustomVariables { get; set; }
    public int? TrackingCategoryId { get; set; }

    /// <summary>Track opens and clicks (when there is a category); omitted: unchanged (on for a new one).</summary>
    public bool? Tracking { get; set; }
    public bool? Active { get; set; }

    /// <summary>Whether unsubscribes and other suppressions stop this trigger's messages (hard bounces always do); false when absent.</summary>
    public bool? HonorSuppressions { get; set; }
    public string? Group { get; set; }
    public string? Description { get; set; }
}
