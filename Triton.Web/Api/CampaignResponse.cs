using System.Text.Json;
using Triton.Core.Campaigns;
using Triton.Core.Domain;

namespace Triton.Web.Api;

public sealed record ProgressResponse(
    long Plan, long Enqueued, long Sent, long Skipped, long Failed, long Bounced,
    int InFlight, double RatePerSecond, double? EtaSeconds);

public sealed record CampaignResponse(
    int Id, string Name, int TemplateId, int ListId, int TransportId, IReadOnlyList<string> Subjects, string SubjectMode,
    string FromAddress, string? FromName, DateTimeOffset? ScheduleAt, IReadOnlyDictionary<string, string> CustomHeaders,
    JsonElement CustomVariables, int? TrackingCategoryId, bool Tracking, string? Group, string? Description, int Concurrency,
    int? MaxStartDelayMinutes, string State, string? StateReason, int Generation, ProgressResponse Progress,
    FailureBreakdown Failures, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Builds a campaign's GET body from what <see cref="CampaignCatalog"/> reads: its settings, exact counters, live rate and failure breakdown.</summary>
public sealed class CampaignReader(CampaignCatalog catalog, ICampaignProgressFeed feed)
{
    public async Task<CampaignResponse?> ReadAsync(int id, CancellationToken ct) =>
        await catalog.FindAsync(id, ct) is { } campaign ? ToResponse(campaign, await catalog.FailuresAsync(campaign, ct)) : null;

    public async Task<IReadOnlyList<CampaignResponse>> ListAsync(string? group, CancellationToken ct) =>
        (await catalog.AllAsync(group, ct)).Select(c => ToResponse(c, FailureBreakdown.Empty)).ToList();

    private CampaignResponse ToResponse(Campaign c, FailureBreakdown failures)
    {
        var live = feed.Latest(c.Id);
        var progress = new ProgressResponse(
            c.Progress.Plan, c.Progress.Enqueued, c.Progress.Sent, c.Progress.Skipped, c.Progress.Failed, c.Progress.Bounced,
            live?.InFlight ?? 0, live?.RatePerSecond ?? 0, live?.Eta?.TotalSeconds);
        using var variables = JsonDocument.Parse(string.IsNullOrWhiteSpace(c.CustomVariables) ? "{}" : c.CustomVariables);
        return new CampaignResponse(
            c.Id, c.Name, c.TemplateId, c.ListId, c.TransportId, c.Subjects, EnumNames.Name(c.SubjectMode),
            c.FromAddress, c.FromName, c.ScheduleAt, c.CustomHeaders, variables.RootElement.Clone(), c.TrackingCategoryId, c.TrackingEnabled,
            c.Group?.Name, c.Description, c.Concurrency, c.MaxStartDelayMinutes, c.State.ToString(), c.StateReason ?? live?.StateReason,
            c.Generation, progress, failures, c.CreatedAt, c.UpdatedAt);
    }
}
