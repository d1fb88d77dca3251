using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Archive;

/// <summary>What the outbox is searched by; every filter optional.</summary>
/// <param name="Message">A transactional message's id as the events API answers it (the message log's id).</param>
public sealed record OutboxFilter(string? Recipient, int? CampaignId, long? DeliveryId, string? Message, int Page, int PageSize);

/// <summary>One page of the outbox, newest first, with the count of every matching row.</summary>
public sealed record OutboxPage(IReadOnlyList<OutboxMessage> Items, int Page, int PageSize, int Total);

/// <summary>Reads the outbox: search it, and open one archived message's .eml file.</summary>
public sealed class OutboxCatalog(IDbContextFactory<TritonDbContext> contexts, MessageArchive archive)
{
    public const int MaxPageSize = 500;

    public async Task<OutboxPage> SearchAsync(OutboxFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Outbox.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Recipient)) query = query.Where(m => m.Recipient == filter.Recipient.Trim());
        if (filter.CampaignId is { } campaign) query = query.Where(m => m.CampaignId == campaign);
        if (filter.DeliveryId is { } delivery) query = query.Where(m => m.DeliveryId == delivery);
        if (!string.IsNullOrWhiteSpace(filter.Message))
        {
            var logId = await db.Messages.Where(m => m.MessageId == filter.Message.Trim()).Select(m => (long?)m.Id).FirstOrDefaultAsync(cancellationToken);
            query = query.Where(m => m.TransactionalMessageId == (logId ?? -1));
        }
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(m => m.Id).Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToListAsync(cancellationToken);
        return new OutboxPage(items, filter.Page, filter.PageSize, total);
    }

    public async Task<OutboxMessage?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Outbox.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
    }

    /// <summary>The archived .eml of a row, or null when its file is gone (purged, or removed by hand).</summary>
    public Stream? Open(OutboxMessage message)
    {
        if (archive.FullPath(message.Path) is not { } path) return null;
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 16384, FileOptions.Asynchronous);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
