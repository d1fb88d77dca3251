using System.Text.Json;
using Triton.Core.Campaigns;
using Triton.Core.Domain;

namespace Triton.Web.Components.Campaigns;

/// <summary>
/// The campaign form as HTML posts it: text fields that convert to the API's CampaignInput, so the
/// same validator checks both.
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
    /// <summary>One subject per line.</summary>
    public string? Subjects { get; set; }
    public string SubjectMode { get; set; } = "static";
    public string? FromAddress { get; set; }
    public string? FromName { get; set; }
    /// <summary>UTC, as the datetime-local field sends it.</summary>
    public DateTime? ScheduleAt { get; set; }
    public int? MaxStartDelayMinutes { get; set; }
    /// <summary>One "Name: value" per line.</summary>
    public string? CustomHeaders { get; set; }
    public string? CustomVariables { get; set; } = "{}";
    public int? Concurrency { get; set; } = 16;

    public static CampaignFormModel From(Campaign c, string? groupName) => new()
    {
        Name = c.Name, Description = c.Description, Group = groupName, TemplateId = c.TemplateId, ListId = c.ListId,
        TransportId = c.TransportId, TrackingCategoryId = c.TrackingCategoryId, Subjects = string.Join('\n', c.Subjects),
        SubjectMode = c.SubjectMode.ToString().ToLowerInvariant(), FromAddress = c.FromAddress, FromName = c.FromName,
        ScheduleAt = c.ScheduleAt?.UtcDateTime, MaxStartDelayMinutes = c.MaxStartDelayMinutes,
        CustomHeaders = string.Join('\n', c.CustomHeaders.Select(h => $"{h.Key}: {h.Value}")),
        CustomVariables = c.CustomVariables, Concurrency = c.Concurrency,
    };

    /// <summary>The API input, or the field-level errors of text that does not even parse.</summary>
    public CampaignInput ToInput(IDictionary<string, List<string>> errors)
    {
        var headers = new Dictionary<string, string>();
        foreach (var line in Lines(CustomHeaders))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) Add(errors, nameof(CustomHeaders), $"'{line}' is not 'Name: value'.");
            else headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        JsonElement? variables = null;
        if (!string.IsNullOrWhiteSpace(CustomVariables))
        {
            try { variables = JsonDocument.Parse(CustomVariables).RootElement.Clone(); }
            catch (JsonException) { Add(errors, nameof(CustomVariables), "'Custom Variables' must be a JSON object."); }
        }
        return new CampaignInput
        {
            Name = Name, Description = Description, Group = string.IsNullOrWhiteSpace(Group) ? null : Group,
            TemplateId = TemplateId, ListId = ListId, TransportId = TransportId, TrackingCategoryId = TrackingCategoryId,
            Subjects = [.. Lines(Subjects)], SubjectMode = SubjectMode, FromAddress = FromAddress, FromName = FromName,
            ScheduleAt = ScheduleAt is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null,
            MaxStartDelayMinutes = MaxStartDelayMinutes, CustomHeaders = headers, CustomVariables = variables,
            Concurrency = Concurrency,
        };
    }

    /// <summary>Maps a validator's property path (subjects[0], customHeaders['X']) to the form field.</summary>
    public static string FieldOf(string propertyName)
    {
        var head = propertyName.Split('[', '.')[0];
        return typeof(CampaignFormModel).GetProperties()
            .FirstOrDefault(p => string.Equals(p.Name, head, StringComparison.OrdinalIgnoreCase))?.Name ?? "";
    }

    private static IEnumerable<string> Lines(string? text) =>
        (text ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);

    private static void Add(IDictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(message);
    }

    public static void AddError(IDictionary<string, List<string>> errors, string field, string message) => Add(errors, field, message);
}
