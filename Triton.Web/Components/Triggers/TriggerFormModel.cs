using System.Text.Json;
using Triton.Core.Domain;
using Triton.Core.Triggers;

namespace Triton.Web.Components.Triggers;

/// <summary>
/// The trigger editor's fields, as text where the campaign editor uses text (subjects and headers one
/// per line, custom variables as a JSON object), converting to the API's <see cref="TriggerInput"/>.
/// </summary>
public sealed class TriggerFormModel
{
    public string? Name { get; set; }
    public string? Event { get; set; }
    public int? TemplateId { get; set; }
    public int? TransportId { get; set; }
    public string? Subjects { get; set; }
    public string SubjectMode { get; set; } = "static";
    public string? FromAddress { get; set; }
    public string? FromName { get; set; }
    public string? CustomHeaders { get; set; }
    public string? CustomVariables { get; set; } = "{}";
    public int? TrackingCategoryId { get; set; }

    /// <summary>Track opens and clicks when there is a category; on for a new trigger, as the API does.</summary>
    public bool Tracking { get; set; } = true;
    public string? Group { get; set; }
    public bool Active { get; set; }
    public string? Description { get; set; }

    public static TriggerFormModel From(TriggerView view)
    {
        var t = view.Trigger;
        return new()
        {
            Name = t.Name, Event = view.Event, TemplateId = t.TemplateId, TransportId = t.TransportId,
            Subjects = string.Join('\n', t.Subjects), SubjectMode = EnumNames.Name(t.SubjectMode), FromAddress = t.FromAddress,
            FromName = t.FromName, CustomHeaders = string.Join('\n', t.CustomHeaders.Select(h => $"{h.Key}: {h.Value}")),
            CustomVariables = t.CustomVariables, TrackingCategoryId = t.TrackingCategoryId, Tracking = t.TrackingEnabled, Group = view.Group, Active = t.Active,
            Description = t.Description,
        };
    }

    /// <summary>The API input; text that does not even parse adds its error (keyed as the service keys fields).</summary>
    public TriggerInput ToInput(IDictionary<string, string[]> errors)
    {
        var headers = new Dictionary<string, string>();
        foreach (var line in Lines(CustomHeaders))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) errors["customHeaders"] = [$"'{line}' is not 'Name: value'."];
            else headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        JsonElement? variables = null;
        if (!string.IsNullOrWhiteSpace(CustomVariables))
        {
            try
            {
                using var document = JsonDocument.Parse(CustomVariables);
                if (document.RootElement.ValueKind == JsonValueKind.Object) variables = document.RootElement.Clone();
                else errors["customVariables"] = ["Custom variables must be a JSON object."];
            }
            catch (JsonException) { errors["customVariables"] = ["Custom variables must be a JSON object."]; }
        }
        return new TriggerInput
        {
            Name = Name, Event = Event, TemplateId = TemplateId, TransportId = TransportId, Subjects = [.. Lines(Subjects)],
            SubjectMode = SubjectMode, FromAddress = FromAddress, FromName = FromName, CustomHeaders = headers,
            CustomVariables = variables, TrackingCategoryId = TrackingCategoryId, Tracking = Tracking, Group = string.IsNullOrWhiteSpace(Group) ? null : Group,
            Active = Active, Description = Description,
        };
    }

    private static IEnumerable<string> Lines(string? text) =>
        (text ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
}
