using Triton.Core.Archive;
using Triton.Core.Domain;

namespace Triton.Web.Api;

public sealed record OutboxResponse(long Id, string MessageId, string Recipient, string Subject, DateTimeOffset SentAt,
    int? CampaignId, long? DeliveryId, long? TransactionalMessageId)
{
    public static OutboxResponse From(OutboxMessage m) => new(m.Id, m.MessageId, m.Recipient, m.Subject,
        DateTimeOffset.FromUnixTimeMilliseconds(m.SentAt), m.CampaignId, m.DeliveryId, m.TransactionalMessageId);
}

public sealed record OutboxPageResponse(IReadOnlyList<OutboxResponse> Items, int Page, int PageSize, int Total);

/// <summary>
/// /api/archive: the outbox (searchable by recipient, campaign, delivery or transactional message) and each
/// archived message as message/rfc822. A message's content can hold what only its recipient should read
/// (a password reset link), so reading it needs the admin scope; the listing needs read, as deliveries do.
/// </summary>
public static class ArchiveEndpoints
{
    public static void MapArchiveEndpoints(this RouteGroupBuilder api)
    {
        var archive = api.MapGroup("/archive");
        archive.MapGet("/", async (OutboxCatalog catalog, CancellationToken ct, string? recipient = null, int? campaignId = null,
            long? deliveryId = null, string? message = null, int? page = null, int? pageSize = null) =>
        {
            var (wanted, invalid) = PageRequest.Parse(page, pageSize, 50, OutboxCatalog.MaxPageSize);
            if (invalid is not null) return (IResult)invalid;
            var found = await catalog.SearchAsync(new OutboxFilter(recipient, campaignId, deliveryId, message, wanted.Page, wanted.PageSize), ct);
            return TypedResults.Ok(new OutboxPageResponse(found.Items.Select(OutboxResponse.From).ToList(), found.Page, found.PageSize, found.Total));
        });
        archive.MapGet("/{id:long}", async (long id, OutboxCatalog catalog, CancellationToken ct) =>
        {
            if (await catalog.GetAsync(id, ct) is not { } row) return (IResult)ApiResults.NotFound("archived message");
            return catalog.Open(row) is { } file
                ? TypedResults.Stream(file, "message/rfc822", fileDownloadName: FileName(row))
                : ApiResults.Conflict("The archived copy of this message is gone (purged or removed from the archive directory).");
        }).RequireApiScope(ApiScope.Admin);
    }

    public static string FileName(OutboxMessage row) =>
        new string(row.MessageId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@' ? c : '_').ToArray()) + ".eml";
}
