using System.Text.Json;
using Triton.Core.Domain;

namespace Triton.Core.Campaigns;

/// <summary>Copies a validated input onto a campaign row.</summary>
public static class CampaignInputMapping
{
    public static void ApplyTo(this CampaignInput input, Campaign campaign, int? groupId, DateTimeOffset now)
    {
        campaign.Name = input.Name!.Trim();
        campaign.TemplateId = input.TemplateId!.Value;
        campaign.ListId = input.ListId!.Value;
        campaign.TransportId = input.TransportId!.Value;
        campaign.TrackingCategoryId = input.TrackingCategoryId;
        // Omitted keeps what the campaign had (on for a new one): a form that does not show the switch cannot turn it back on.
        campaign.TrackingEnabled = input.Tracking ?? campaign.TrackingEnabled;
        campaign.Subjects = [.. input.Subjects!];
        campaign.SubjectMode = EnumNames.TryParse<SubjectMode>(input.SubjectMode, out var mode) ? mode : SubjectMode.Static;
        campaign.FromAddress = input.FromAddress!.Trim();
        campaign.FromName = string.IsNullOrWhiteSpace(input.FromName) ? null : input.FromName.Trim();
        // A new time is a new schedule: it may fire again.
        if (campaign.ScheduleAt != input.ScheduleAt) campaign.ScheduleConsumed = false;
        campaign.ScheduleAt = input.ScheduleAt;
        campaign.CustomHeaders = input.CustomHeaders is null ? [] : new Dictionary<string, string>(input.CustomHeaders);
        campaign.CustomVariables = input.CustomVariables is { ValueKind: JsonValueKind.Object } variables
            ? variables.GetRawText()
            : "{}";
        campaign.GroupId = groupId;
        campaign.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description;
        campaign.Concurrency = input.Concurrency ?? 16;
        campaign.MaxStartDelayMinutes = input.MaxStartDelayMinutes;
        campaign.UpdatedAt = now;
    }
}
