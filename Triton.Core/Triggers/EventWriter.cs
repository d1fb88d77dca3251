using System.Data;
using System.Data.Common;
using System.Threading.Channels;
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
    private sealed record Pending(TransactionalMessage Message, TaskCompletionSource<IntakeResult> Done);

    /// <summary>What a batch's transaction decided; answered only once it committed.</summary>
    private sealed record Decisions(List<Pending> Inserted, List<(Pending Pending, IntakeResult Answer)> Replays, List<(Pending Repeat, Pending First)> Repeats);

    private readonly StoreExecutor store;
    private readonly SqlDialect dialect;
    private readonly TransactionalQueue queue;
    private readonly TimeProvider time;
    private readonly ILogger<EventWriter> logger;
    private readonly int batchSize;
    private readonly Channel<Pending> pending;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lazy<Task> loop;

    public EventWriter(StoreExecutor store, SqlDialect dialect, TransactionalQueue queue, TimeProvider time, IOptions<TriggerOptions> options,
        ILogger<EventWriter> logger)
    {
        this.store = store;
        this.dialect = dialect;
        this.queue = queue;
        this.time = time;
        this.logger = logger;
        batchSize = Math.Max(1, options.Value.IntakeBatchSize);
        // Bounded: when the database falls behind, requests wait here instead of piling up in memory.
        pending = Channel.CreateBounded<Pending>(new BoundedChannelOptions(Math.Max(1024, batchSize * 8)) { SingleReader = true });
        // Started by the first event rather than by the host, so any process that takes events has its writer.
        loop = new Lazy<Task>(() => Task.Run(() => RunAsync(stopping.Token)));
    }

    /// <summary>Stores the message (or finds its key's first answer) and answers once the row is committed.</summary>
    public async Task<IntakeResult> WriteAsync(TransactionalMessage message, CancellationToken cancellationToken)
    {
        _ = loop.Value;
        var done = new TaskCompletionSource<IntakeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await pending.Writer.WriteAsync(new Pending(message, done), cancellationToken);
        // A caller that goes away still has its row stored (a retry with its key gets the same answer).
        return await done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = new List<Pending>(batchSize);
        try
        {
            while (await pending.Reader.WaitToReadAsync(cancellationToken))
            {
                while (batch.Count < batchSize && pending.Reader.TryRead(out var next)) batch.Add(next);
                try
                {
                    await StoreAsync(batch, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    logger.LogError(exception, "Storing {Count} events failed", batch.Count);
                    foreach (var p in batch) p.Done.TrySetException(exception);
                }
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var p in batch) p.Done.TrySetCanceled(CancellationToken.None);
            while (pending.Reader.TryRead(out var left)) left.Done.TrySetCanceled(CancellationToken.None);
        }
    }

    private async Task StoreAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Answer(await store.InTransactionAsync((connection, transaction, ct) => DecideAsync(connection, transaction, batch, ct), cancellationToken));
                return;
            }
            catch (Exception exception) when (UniqueViolation.Is(exception) && batch.Count > 1)
            {
                // Another instance stored one of these keys first: the batch rolled back; each alone now finds it stored.
                logger.LogDebug(exception, "A batch of {Count} events met a stored idempotency key; storing them one by one", batch.Count);
                foreach (var p in batch) await StoreAsync([p], cancellationToken);
                return;
            }
            catch (Exception exception) when (UniqueViolation.Is(exception) && attempt < 3)
            {
                // Stored by another instance between this one's look-up and its insert: the next look-up finds it.
                logger.LogDebug(exception, "An event's idempotency key was stored meanwhile; looking it up again");
            }
        }
    }

    private void Answer(Decisions decisions)
    {
        if (decisions.Inserted.Count > 0) queue.Signal();
        foreach (var p in decisions.Inserted) p.Done.TrySetResult(new IntakeResult(IntakeStatus.Accepted, p.Message.MessageId, p.Message.Status));
        foreach (var (p, answer) in decisions.Replays) p.Done.TrySetResult(answer);
        // A repeat answers what its first answers, once the first is stored.
        foreach (var (repeat, first) in decisions.Repeats)
            _ = first.Done.Task.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) repeat.Done.TrySetResult(t.Result with { Status = IntakeStatus.Replayed });
                else if (t.IsCanceled) repeat.Done.TrySetCanceled();
                else repeat.Done.TrySetException(t.Exception!.InnerExceptions);
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// In the batch's transaction: the requests whose key is already stored within the window get
    /// their first answer, repeats of a key within the batch the first one's; keys older than the
    /// window are released; the rest are inserted.
    /// </summary>
    private async Task<Decisions> DecideAsync(DbConnection connection, DbTransaction transaction, List<Pending> batch, CancellationToken cancellationToken)
    {
        var decisions = new Decisions([], [], []);
        var stored = await StoredKeysAsync(connection, transaction, batch, cancellationToken);
        var now = time.GetUtcNow();
        var firsts = new Dictionary<string, Pending>();
        var expired = new List<long>();
        foreach (var p in batch)
        {
            if (p.Message.IdempotencyKey is not { } key)
            {
                decisions.Inserted.Add(p);
                continue;
            }
            if (stored.TryGetValue(key, out var earlier))
            {
                if (now - earlier.CreatedAt < EventIntake.IdempotencyWindow)
                {
                    decisions.Replays.Add((p, new IntakeResult(IntakeStatus.Replayed, earlier.MessageId, earlier.Status)));
                    continue;
                }
                expired.Add(earlier.Id);
                stored.Remove(key);
            }
            if (firsts.TryGetValue(key, out var first)) decisions.Repeats.Add((p, first));
            else
            {
                firsts[key] = p;
                decisions.Inserted.Add(p);
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

    private static async Task<Dictionary<string, StoredKey>> StoredKeysAsync(DbConnection connection, DbTransaction transaction, List<Pending> batch,
        CancellationToken cancellationToken)
    {
        var stored = new Dictionary<string, StoredKey>(StringComparer.Ordinal);
        var keys = batch.Select(p => p.Message.IdempotencyKey).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count == 0) return stored;
        await using var find = Command(connection, transaction, "");
        var names = new string[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            names[i] = "@k" + i;
            AddParameter(find, names[i], keys[i]);
        }
        find.CommandText = $"SELECT id, message_id, status, created_at, idempotency_key FROM messages WHERE idempotency_key IN ({string.Join(", ", names)})";
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

    private static Task InsertAsync(DbConnection connection, DbTransaction transaction, List<Pending> rows, CancellationToken cancellationToken) =>
        InsertRow.RunAsync(connection, transaction, rows, static (p, v) =>
        {
            var m = p.Message;
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

    public async ValueTask DisposeAsync()
    {
        pending.Writer.TryComplete();
        await stopping.CancelAsync();
        if (loop.IsValueCreated)
        {
            try { await loop.Value; } catch (OperationCanceledException) { }
        }
        stopping.Dispose();
    }
}
