using Triton.Core.Domain;
using Triton.Core.Tracking;

namespace Triton.Web.Api;

/// <summary>
/// /api/stats: sends, opens and clicks per day of a tracking category (by name or id) or of all, one
/// user's when userId is given; and per campaign or trigger with their top links.
/// </summary>
public static class StatsEndpoints
{
    public static void MapStatsEndpoints(this RouteGroupBuilder api)
    {
        var stats = api.MapGroup("/stats");
        stats.MapGet("/", async (string? category, DateOnly? from, DateOnly? to, string? userId,
            TrackingStats reader, CategoryService categories, CancellationToken ct) =>
        {
            if (reader.Range(from, to) is not var (start, end)) return InvalidRange();
            int? categoryId = null;
            if (!string.IsNullOrWhiteSpace(category))
            {
                if (await categories.FindAsync(category, ct) is not { } found)
                    return GroupReferences.Invalid("category", $"There is no tracking category named or numbered '{category}'.");
                categoryId = found.Id;
            }
            var user = string.IsNullOrWhiteSpace(userId) ? null : userId.Trim();
            return TypedResults.Ok(await reader.CategoryAsync(categoryId, user, start, end, ct));
        });
        stats.MapGet("/campaigns/{id:int}", (int id, DateOnly? from, DateOnly? to, TrackingStats reader, CancellationToken ct) =>
            SourceAsync(TrackedSource.Campaign, id, from, to, reader, ct));
        stats.MapGet("/triggers/{id:int}", (int id, DateOnly? from, DateOnly? to, TrackingStats reader, CancellationToken ct) =>
            SourceAsync(TrackedSource.Trigger, id, from, to, reader, ct));
    }

    private static async Task<IResult> SourceAsync(TrackedSource source, int id, DateOnly? from, DateOnly? to, TrackingStats reader, CancellationToken ct)
    {
        if (reader.Range(from, to) is not var (start, end)) return InvalidRange();
        if (!await reader.ExistsAsync(source, id, ct)) return ApiResults.NotFound(source == TrackedSource.Campaign ? "campaign" : "trigger");
        return TypedResults.Ok(await reader.SourceAsync(source, id, start, end, ct));
    }

    private static IResult InvalidRange() =>
        GroupReferences.Invalid("from", $"'from' must not be after 'to', and the range at most {TrackingStats.MaxDays} days.");
}
