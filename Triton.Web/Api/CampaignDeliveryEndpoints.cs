using System.Globalization;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Triton.Core.Campaigns;
using Triton.Core.Domain;
using Triton.Core.Lists;

namespace Triton.Web.Api;

public sealed record CampaignRunResponse(long Id, int Generation, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    string Outcome, string? Error, long Sent, long Failed);

public sealed record DeliveryResponse(string Email, string Status, int Attempts, string? LastReply, int? ReplyCode, DateTimeOffset UpdatedAt);

public sealed record ResultPage<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

/// <summary>A campaign's execution history and its recipients' delivery records (JSON pages or CSV).</summary>
public static class CampaignDeliveryEndpoints
{
    /// <summary>Deliveries per JSON page when ?pageSize= is not given (at most <see cref="CampaignCatalog.MaxDeliveriesPageSize"/>).</summary>
    public const int DefaultPageSize = 100;
    private const int MaxRuns = 1000;

    public static void MapCampaignDeliveryEndpoints(this RouteGroupBuilder campaigns)
    {
        campaigns.MapGet("/{id:int}/runs", async Task<Results<Ok<List<CampaignRunResponse>>, ProblemHttpResult>> (
            int id, CampaignCatalog catalog, CancellationToken ct) =>
        {
            if (!await catalog.ExistsAsync(id, ct)) return ApiResults.NotFound("campaign");
            // The newest ids are the newest runs (SQLite cannot order by DateTimeOffset); the final order by start time is done here.
            var runs = await catalog.RunsAsync(id, MaxRuns, ct);
            return TypedResults.Ok(runs.OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id).Select(r => new CampaignRunResponse(
                r.Id, r.Generation, r.StartedAt, r.EndedAt, r.Outcome.ToString(), r.Error, r.Sent, r.Failed)).ToList());
        });

        campaigns.MapGet("/{id:int}/deliveries", async Task<Results<Ok<ResultPage<DeliveryResponse>>, PushStreamHttpResult, ProblemHttpResult>> (
            int id, string? status, int? page, int? pageSize, HttpRequest request, CampaignCatalog catalog, CancellationToken ct) =>
        {
            if (!await catalog.ExistsAsync(id, ct)) return ApiResults.NotFound("campaign");
            DeliveryStatus? wanted = null;
            if (!string.IsNullOrEmpty(status))
            {
                if (!EnumNames.TryParse<DeliveryStatus>(status, out var parsed))
                    return Invalid("status", $"'status' must be one of: {EnumNames.List<DeliveryStatus>()}.");
                wanted = parsed;
            }

            if (WantsCsv(request))
                return TypedResults.Stream(stream => WriteCsvAsync(stream, catalog.AllDeliveriesAsync(id, wanted, ct), ct), "text/csv; charset=utf-8", $"campaign-{id}-deliveries.csv");

            var (pageWanted, invalid) = PageRequest.Parse(page, pageSize, DefaultPageSize, CampaignCatalog.MaxDeliveriesPageSize);
            if (invalid is not null) return invalid;
            var rows = await catalog.DeliveriesAsync(id, wanted, pageWanted.Page - 1, pageWanted.PageSize, ct);
            return TypedResults.Ok(new ResultPage<DeliveryResponse>(rows.Items.Select(ToResponse).ToList(), pageWanted.Page, pageWanted.PageSize, rows.Total));
        });
    }

    private static DeliveryResponse ToResponse(Delivery d) =>
        new(d.Email, d.Status.ToString(), d.Attempts, d.LastReply, d.ReplyCode, DateTimeOffset.FromUnixTimeMilliseconds(d.UpdatedAt));

    private static bool WantsCsv(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));

    /// <summary>Streams rows from the database straight into the response; nothing is buffered whole.</summary>
    private static async Task WriteCsvAsync(Stream stream, IAsyncEnumerable<Delivery> deliveries, CancellationToken ct)
    {
        await using var csv = CsvWriter.Create(stream, CsvFiles.Writer, true);
        await csv.WriteRecordAsync(["email", "status", "attempts", "lastReply", "replyCode", "updatedAt"], ct);
        await foreach (var delivery in deliveries.WithCancellation(ct))
        {
            var row = ToResponse(delivery);
            await csv.WriteRecordAsync([
                row.Email, row.Status, row.Attempts.ToString(CultureInfo.InvariantCulture), row.LastReply ?? "",
                row.ReplyCode?.ToString(CultureInfo.InvariantCulture) ?? "", row.UpdatedAt.ToString("O", CultureInfo.InvariantCulture)], ct);
        }
        await csv.FlushAsync(ct);
    }

    private static ProblemHttpResult Invalid(string field, string message) =>
        TypedResults.Problem(title: "One or more validation errors occurred.", statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });
}
