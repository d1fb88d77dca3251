using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Triggers;

/// <summary>
/// Stores accepted events' messages with group commit: concurrent requests hand their row to one
/// writer, which inserts everything waiting (up to <see cref="TriggerOptions.IntakeBatchSize"/>) in
/// one transaction and only then answers each request. Separate transactions per request made the
/// requests queue on the database's single write lock (SQLite); one writer takes it once per batch.
/// Idempotency stays exact: the writer settles keys already stored and keys repeated within a batch
/// before inserting, and the unique index still decides against other instances.
/// </summary>
public sealed class EventWriter : IAsyncDisposable
{
    private sealed record Pending(TransactionalMessage Message, TaskCompletionSource<IntakeResult> Done);

    private readonly IDbContextFactory<TritonDbContext> contexts;
    private readonly TransactionalQueue queue;
    private readonly TimeProvider time;
    private readonly ILogger<EventWriter> logger;
    private readonly int batchSize;
    private readonly Channel<Pending> pending;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lazy<Task> loop;

    public EventWriter(IDbContextFactory<TritonDbContext> contexts, TransactionalQueue queue, TimeProvider time, IOptions<TriggerOptions> options,
        ILogger<EventWriter> logger)
    {
        this.contexts = contexts;
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
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var answered = await SettleKeysAsync(db, batch, cancellationToken);
        var inserts = batch.Where(p => !answered.Contains(p)).ToList();
        if (inserts.Count == 0) return;
        db.Messages.AddRange(inserts.Select(p => p.Message));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (inserts.Any(p => p.Message.IdempotencyKey is not null))
        {
            // Another instance stored one of these keys first: the batch rolled back; each row alone now.
            logger.LogDebug(exception, "A batch of {Count} events met a stored idempotency key; storing them one by one", inserts.Count);
            foreach (var p in inserts) await StoreOneAsync(p, cancellationToken);
            return;
        }
        queue.Signal();
        foreach (var p in inserts) p.Done.TrySetResult(new IntakeResult(IntakeStatus.Accepted, p.Message.MessageId, p.Message.Status));
    }

    /// <summary>
    /// Answers the requests whose key is already stored within the window (their first answer) and the
    /// repeats of a key within this batch (the first one's answer); releases keys older than the window.
    /// </summary>
    private async Task<HashSet<Pending>> SettleKeysAsync(TritonDbContext db, List<Pending> batch, CancellationToken cancellationToken)
    {
        var answered = new HashSet<Pending>();
        var keyed = batch.Where(p => p.Message.IdempotencyKey is not null).ToList();
        if (keyed.Count == 0) return answered;
        var keys = keyed.Select(p => p.Message.IdempotencyKey).Distinct().ToList();
        var stored = await db.Messages.AsNoTracking().Where(m => keys.Contains(m.IdempotencyKey))
            .Select(m => new { m.Id, m.MessageId, m.Status, m.CreatedAt, m.IdempotencyKey }).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var firsts = new Dictionary<string, Pending>();
        var repeats = new List<(Pending Repeat, Pending First)>();
        foreach (var p in keyed)
        {
            var key = p.Message.IdempotencyKey!;
            if (stored.FirstOrDefault(s => s.IdempotencyKey == key) is { } earlier && now - earlier.CreatedAt < EventIntake.IdempotencyWindow)
            {
                p.Done.TrySetResult(new IntakeResult(IntakeStatus.Replayed, earlier.MessageId, earlier.Status));
                answered.Add(p);
            }
            else if (firsts.TryGetValue(key, out var first))
            {
                repeats.Add((p, first));
                answered.Add(p);
            }
            else firsts[key] = p;
        }
        var expired = stored.Where(s => now - s.CreatedAt >= EventIntake.IdempotencyWindow).Select(s => s.Id).ToList();
        if (expired.Count > 0)
            await db.Messages.Where(m => expired.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.IdempotencyKey, (string?)null), cancellationToken);
        // A repeat answers what its first answers, once the first is stored.
        foreach (var (repeat, first) in repeats)
            _ = first.Done.Task.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) repeat.Done.TrySetResult(t.Result with { Status = IntakeStatus.Replayed });
                else if (t.IsCanceled) repeat.Done.TrySetCanceled();
                else repeat.Done.TrySetException(t.Exception!.InnerExceptions);
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return answered;
    }

    /// <summary>One row in its own transaction; a key stored meanwhile answers that row's first answer.</summary>
    private async Task StoreOneAsync(Pending p, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            p.Message.Id = 0;
            db.Messages.Add(p.Message);
            await db.SaveChangesAsync(cancellationToken);
            queue.Signal();
            p.Done.TrySetResult(new IntakeResult(IntakeStatus.Accepted, p.Message.MessageId, p.Message.Status));
        }
        catch (DbUpdateException) when (p.Message.IdempotencyKey is { } key)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var earlier = await db.Messages.AsNoTracking().Where(m => m.IdempotencyKey == key)
                .Select(m => new { m.MessageId, m.Status }).FirstOrDefaultAsync(cancellationToken);
            if (earlier is null) throw;
            p.Done.TrySetResult(new IntakeResult(IntakeStatus.Replayed, earlier.MessageId, earlier.Status));
        }
    }

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
