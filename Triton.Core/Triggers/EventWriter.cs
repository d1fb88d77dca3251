using System.Data;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Sending;
using static Triton.Core.Data.StoreExecutor;
using static Triton.Core.Sending.SqlDialect;

namespace Triton.Core.Triggers;

/// <summary>
/// Stores accepted events' messages with group commit: concurrent requests hand their row to one
/// writer, which inserts everything waiting (up to <see cref="TriggerOptions.IntakeBatchSize"/>) in
/// one transaction and only then answers each request. Separate transactions per request made the
/// requests queue on the database's single write lock (SQLite); one writer takes it once per batch.
/// Idempotency stays exact: the writer settles keys already stored and keys repeated within a batch
/// before inserting, and the unique index still decides against other instances. Plain statements
/// (one prepared INSERT per batch) rather than EF's change tracker, which cost more than the rest of
/// an event's intake.
/// </summary>
public sealed class EventWriter : IAsyncDisposable
{
    /// <summary>What a batch's transaction decided (by position in the batch); answered only once it committed.</summary>
    private sealed record Decisions(IntakeResult[] Answers, List<TransactionalMessage> Inserted);

    private readonly StoreExecutor store;
    private readonly SqlDialect dialect;
    private readonly TransactionalQueue queue;
    private readonly TimeProvider time;
    private readonly ILogger<EventWriter> logger;
    private readonly GroupCommit<TransactionalMessage, IntakeResult> commit;

    public EventWriter(StoreExecutor store, SqlDialect dialect, TransactionalQueue queue, TimeProvider time, IOptions<TriggerOptions> options,
        ILogger<EventWriter> logger)
    {
        this.store = store;
        this.dialect = dialect;
        this.queue = queue;
        this.time = time;
        this.logger = logger;
        var batchSize = Math.Max(1, options.Value.IntakeBatchSize);
        // Bounded: when the database falls behind, requests wait for room instead of piling up in memory.
        // Started by the first event rather than by the host, so any process that takes events has its writer.
        commit = new GroupCommit<TransactionalMessage, IntakeResult>(Math.Max(1024, batchSize * 8), batchSize, WriteBatchAsync);
    }

    /// <summary>Stores the message (or finds its key's first answer) and answers once the row is committed.</summary>
    public Task<IntakeResult> WriteAsync(TransactionalMessage message, CancellationToken cancellationToken) =>
        // A caller that goes away still has its row stored (a retry with its key gets the same answer).
        commit.WriteAsync(message, cancellationToken);

    /// <summary>One batch, one transaction; a failure fails the requests not answered yet. Stopping stores nothing more: what waits is cancelled.</summary>
    private async Task WriteBatchAsync(GroupCommit<TransactionalMessage, IntakeResult>.Batch batch, CancellationToken stopping)
    {
        stopping.ThrowIfCancellationRequested();
        try
        {
            await StoreAsync(batch, Enumerable.Range(0, batch.Items.Count).ToList(), stopping);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            logger.LogError(exception, "Storing {Count} events failed", batch.Items.Count);
            throw;
        }
    }

    /// <summary>Stores the batch's items at <paramref name="positions"/> in one transaction and answers them once it committed.</summary>
    private async Task StoreAsync(GroupCommit<TransactionalMessage, IntakeResult>.Batch batch, List<int> positions, CancellationToken cancellationToken)
    {
        var messages = positions.ConvertAll(i => batch.Items[i]);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var decisions = await store.InTransactionAsync((connection, transaction, ct) => DecideAsync(connection, transaction, messages, ct),
                    cancellationToken);
                if (decisions.Inserted.Count > 0) queue.Signal();
                for (var i = 0; i < positions.Count; i++) batch.Answer(positions[i], decisions.Answers[i]);
                return;
            }
            catch (Exception exception) when (UniqueViolation.Is(exception) && positions.Count > 1)
            {
                // Another instance stored one of these keys first: the batch rolled back; each alone now finds it stored.
                logger.LogDebug(exception, "A batch of {Count} events met a stored idempotency key; storing them one by one", positions.Count);
                foreach (var position in positions) await StoreAsync(batch, [position], cancellationToken);
                return;
            }
            catch (Exception exception) when (UniqueViolation.Is(exception) && attempt < 3)
            {
                // Stored by another instance between this one's look-up and its insert: the next look-up finds it.
                logger.LogDebug(exception, "An event's idempotency key was stored meanwhile; looking it up again");
            }
        }
    }

    /// <summary>
    /// In the batch's transaction: the requests whose key is already stored within the window get
    /// their first answer, repeats of a key within the batch the first one's; keys older than the
    /// window are released; the rest are inserted.
    /// </summary>
    private async Task<Decisions> DecideAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<TransactionalMessage> batch,
        CancellationToken cancellationToken)
    {
        var decisions = new Decisions(new IntakeResult[batch.Count], []);
        var stored = await StoredKeysAsync(connection, transaction, batch, cancellationToken);
        var now = time.GetUtcNow();
        var firsts = new Dictionary<string, IntakeResult>();
        var expired = new List<long>();
        for (var i = 0; i < batch.Count; i++)
        {
            var m = batch[i];
            var accepted = new IntakeResult(IntakeStatus.Accepted, m.MessageId, m.Status);
            if (m.IdempotencyKey is not { } key)
            {
                decisions.Answers[i] = accepted;
                decisions.Inserted.Add(m);
                continue;
            }
            if (stored.TryGetValue(key, out var earlier))
            {
                if (now - earlier.CreatedAt < EventIntake.IdempotencyWindow)
                {
                    decisions.Answers[i] = new IntakeResult(IntakeStatus.Replayed, earlier.MessageId, earlier.Status);
                    continue;
                }
                expired.Add(earlier.Id);
                stored.Remove(key);
            }
            // A repeat within the batch answers what its first answers: the first is stored in this same transaction.
            if (firsts.TryGetValue(key, out var first)) decisions.Answers[i] = first with { Status = IntakeStatus.Replayed };
            else
            {
                firsts[key] = accepted;
                decisions.Answers[i] = accepted;
                decisions.Inserted.Add(m);
            }
        }
        if (expired.Count > 0)
        {
            await using var release = Command(connection, transaction, "UPDATE messages SET idempotency_key = NULL WHERE ");
            release.CommandText += dialect.IdListCondition(release, "id", expired);
            await release.ExecuteNonQueryAsync(cancellationToken);
        }
        await InsertAsync(connection, transaction, decisions.Inserted, cancellationToken);
        return decisions;
    }

    private sealed record StoredKey(long Id, string MessageId, MessageStatus Status, DateTimeOffset CreatedAt);

    private async Task<Dictionary<string, StoredKey>> StoredKeysAsync(DbConnection connection, DbTransaction transaction,
        IReadOnlyList<TransactionalMessage> batch, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<string, StoredKey>(StringComparer.Ordinal);
        var keys = batch.Select(m => m.IdempotencyKey).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count == 0) return stored;
        await using var find = Command(connection, transaction, "");
        find.CommandText = "SELECT id, message_id, status, created_at, idempotency_key FROM messages WHERE "
            + dialect.TextListCondition(find, "idempotency_key", keys);
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            stored[reader.GetString(4)] = new StoredKey(reader.GetInt64(0), reader.GetString(1), (MessageStatus)reader.GetInt32(2),
                reader.GetFieldValue<DateTimeOffset>(3));
        return stored;
    }

    private static readonly RowStatement InsertRow = new("""
        INSERT INTO messages (message_id, trigger_id, event_name, email, user_id, fields, variables, idempotency_key, status, attempts,
            not_before, lease_until, created_at, updated_at)
        VALUES (@messageId, @triggerId, @eventName, @email, @userId, @fields, @variables, @key, @status, 0, @notBefore, 0, @createdAt, @updatedAt)
        """,
        ("@messageId", DbType.String), ("@triggerId", DbType.Int32), ("@eventName", DbType.String), ("@email", DbType.String),
        ("@userId", DbType.String), ("@fields", DbType.String), ("@variables", DbType.String), ("@key", DbType.String),
        ("@status", DbType.Int32), ("@notBefore", DbType.Int64), ("@createdAt", DbType.DateTimeOffset), ("@updatedAt", DbType.DateTimeOffset));

    private static Task InsertAsync(DbConnection connection, DbTransaction transaction, List<TransactionalMessage> rows, CancellationToken cancellationToken) =>
        InsertRow.RunAsync(connection, transaction, rows, static (m, v) =>
        {
            v[0] = m.MessageId;
            v[1] = m.TriggerId;
            v[2] = m.EventName;
            v[3] = m.Email;
            v[4] = m.UserId;
            v[5] = m.Fields;
            v[6] = m.Variables;
            v[7] = m.IdempotencyKey;
            v[8] = (int)m.Status;
            // Due from its arrival: the claim takes messages in due order, so a retry due now is not put behind later arrivals.
            v[9] = m.CreatedAt.ToUnixTimeMilliseconds();
            v[10] = m.CreatedAt;
            v[11] = m.UpdatedAt;
        }, cancellationToken);

    public ValueTask DisposeAsync() => commit.DisposeAsync();
}
