using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Triggers;

/// <summary>What the log is asked for; every filter optional.</summary>
public sealed record MessageFilter(string? Email, string? Event, MessageStatus? Status, DateTimeOffset? From, DateTimeOffset? To, int Page, int PageSize);

/// <summary>One page of the log, newest first.</summary>
public sealed record MessagePage(IReadOnlyList<TransactionalMessage> Items, int Page, int PageSize, bool HasMore);

/// <summary>The transactional message log: find messages, read one, send a failed one again.</summary>
public sealed class MessageLog(IDbContextFactory<TritonDbContext> contexts, TransactionalQueue queue, TimeProvider time)
{
    public const int MaxPageSize = 500;

    public async Task<MessagePage> QueryAsync(MessageFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = filter.From is null && filter.To is null ? db.Messages : Within(db, filter.From, filter.To);
        query = query.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Email)) query = query.Where(m => m.Email == filter.Email.Trim());
        if (!string.IsNullOrWhiteSpace(filter.Event)) query = query.Where(m => m.EventName == filter.Event.Trim());
        if (filter.Status is { } status) query = query.Where(m => m.Status == status);
        var rows = await query.OrderByDescending(m => m.Id).Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize + 1)
            .ToListAsync(cancellationToken);
        var more = rows.Count > filter.PageSize;
        return new MessagePage(more ? rows[..filter.PageSize] : rows, filter.Page, filter.PageSize, more);
    }

    /// <summary>
    /// Messages created in [from, to), in the database, before paging. EF cannot translate date-time
    /// offset comparisons on SQLite, but both providers compare the column with a UTC parameter: PostgreSQL
    /// as timestamptz, SQLite as the ISO text it stores (every created_at is written in UTC, so the text
    /// sorts as the time does).
    /// </summary>
    private static IQueryable<TransactionalMessage> Within(TritonDbContext db, DateTimeOffset? from, DateTimeOffset? to)
    {
        var start = (from ?? DateTimeOffset.UnixEpoch).ToUniversalTime();
        var end = (to ?? new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero)).ToUniversalTime();
        return db.Messages.FromSql($"SELECT * FROM messages WHERE created_at >= {start} AND created_at < {end}");
    }

    public async Task<TransactionalMessage?> GetAsync(string messageId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.MessageId == messageId, cancellationToken);
    }

    /// <summary>A failed or bounced message goes back to the queue with fresh attempts; anything else is a conflict.</summary>
    public async Task<ServiceResult<TransactionalMessage>> RetryAsync(string messageId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.MessageId == messageId, cancellationToken);
        if (message is null) return ServiceResult<TransactionalMessage>.NotFound();
        var moved = await db.Messages
            .Where(m => m.Id == message.Id && (m.Status == MessageStatus.Failed || m.Status == MessageStatus.Bounced))
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MessageStatus.Queued)
                .SetProperty(m => m.Attempts, 0)
                .SetProperty(m => m.NotBefore, 0L)
                .SetProperty(m => m.UpdatedAt, time.GetUtcNow()), cancellationToken);
        if (moved == 0)
            return ServiceResult<TransactionalMessage>.Conflict($"Only a failed or bounced message can be retried; this one is {EnumNames.Name(message.Status)}.");
        queue.Signal();
        return ServiceResult<TransactionalMessage>.Saved(await db.Messages.AsNoTracking().FirstAsync(m => m.Id == message.Id, cancellationToken));
    }
}
