using Triton.Core.Campaigns;
using Triton.Core.Domain;
using Triton.Web.Components.Forms;

namespace Triton.Web.Components.Campaigns;

/// <summary>A custom header or variable as a row of the editor's tables.</summary>
public sealed class NameValueRow
{
    public string Name { get; set; } = "";
    public string Value { get; set; } = "";

    /// <summary>Variables only: the value is JSON (a number, true, an object…) rather than text.</summary>
    public bool IsJson { get; set; }
}

/// <summary>
/// The campaign editor's fields. It converts to the API's CampaignInput, so the same validator checks
/// both; the schedule is entered in the user's time zone and stored as UTC.
/// </summary>
public sealed class CampaignFormModel
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Group { get; set; }
    public int? TemplateId { get; set; }
    public int? ListId { get; set; }
    public int? TransportId { get; set; }
    public int? TrackingCategoryId { get; set; }

    /// <summary>Track opens and clicks when there is a category; on for a new campaign, as the API does.</summary>
    public bool Tracking { get; set; } = true;
    public List<string> Subjects { get; set; } = [""];
    public string SubjectMode { get; set; } = "static";
    public string? FromAddress { get; set; }
    public string? FromName { get; set; }

    /// <summary>The day and time of the schedule on the user's wall clock (their time zone).</summary>
    public DateTime? ScheduleDate { get; set; }
    public TimeSpan? ScheduleTime { get; set; }
    public int? MaxStartDelayMinutes { get; set; }
    public List<NameValueRow> CustomHeaders { get; set; } = [];
    public List<NameValueRow> CustomVariables { get; set; } = [];
    public int? Concurrency { get; set; } = 16;

    public static CampaignFormModel From(Campaign c, string? groupName, TimeZoneInfo zone)
    {
        var local = c.ScheduleAt is { } at ? ZonedTime.ToLocal(at, zone) : (DateTime?)null;
        return new()
        {
            Name = c.Name, Description = c.Description, Group = groupName, TemplateId = c.TemplateId, ListId = c.ListId,
            TransportId = c.TransportId, TrackingCategoryId = c.TrackingCategoryId, Tracking = c.TrackingEnabled,
            Subjects = c.Subjects.Count > 0 ? [.. c.Subjects] : [""],
            SubjectMode = EnumNames.Name(c.SubjectMode), FromAddress = c.FromAddress, FromName = c.FromName,
            ScheduleDate = local?.Date, ScheduleTime = local?.TimeOfDay, MaxStartDelayMinutes = c.MaxStartDelayMinutes,
            CustomHeaders = c.CustomHeaders.Select(h => new NameValueRow { Name = h.Key, Value = h.Value }).ToList(),
            CustomVariables = VariableRows.Of(c.CustomVariables), Concurrency = c.Concurrency,
        };
    }

    /// <summary>The API input, with the field errors of values that do not even convert (a JSON value that is not JSON).</summary>
    public CampaignInput ToInput(TimeZoneInfo zone, IDictionary<string, string[]> errors)
    {
        var headers = new Dictionary<string, string>();
        foreach (var row in CustomHeaders.Where(r => r.Name.Trim().Length > 0 || r.Value.Length > 0))
            if (!headers.TryAdd(row.Name.Trim(), row.Value.Trim()))
                errors["customHeaders"] = [$"The header '{row.Name.Trim()}' is there twice."];
        return new CampaignInput
        {
            Name = Name, Description = Description, Group = string.IsNullOrWhiteSpace(Group) ? null : Group,
            TemplateId = TemplateId, ListId = ListId, TransportId = TransportId, TrackingCategoryId = TrackingCategoryId, Tracking = Tracking,
            Subjects = Subjects.Select(s => s.Trim()).Where(s => s.Length > 0).ToList(), SubjectMode = SubjectMode,
            FromAddress = FromAddress, FromName = FromName,
            ScheduleAt = ScheduleDate is { } day ? ZonedTime.ToUtc(day.Date + (ScheduleTime ?? TimeSpan.Zero), zone) : null,
            MaxStartDelayMinutes = MaxStartDelayMinutes, CustomHeaders = headers,
            CustomVariables = VariableRows.ToJson(CustomVariables, "customVariables", errors), Concurrency = Concurrency,
        };
    }

    /// <summary>The form field of a service error key (subjects[0], customHeaders['X'], scheduleAt); "" for the form as a whole.</summary>
    public static string FieldOf(string key)
    {
        var head = key.Split('[', '.')[0];
        if (head.Equals("scheduleAt", StringComparison.OrdinalIgnoreCase)) return nameof(ScheduleDate);
        return typeof(CampaignFormModel).GetProperties()
            .FirstOrDefault(p => string.Equals(p.Name, head, StringComparison.OrdinalIgnoreCase))?.Name ?? "";
    }
}
