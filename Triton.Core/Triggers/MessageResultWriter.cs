using System.Data;
using System.Data.Common;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Sending;
using Triton.Core.Suppressions;
using Triton.Core.Tracking;

namespace Triton.Core.Triggers;

/// <summary>
/// Records transactional messages' results in the message log with group commit, as campaign
/// deliveries are recorded in batches: the workers of the same moment hand their result over, one
/// writer records everything waiting (up to <see cref="SendingOptions.ResultBatchSize"/>) in one
/// transaction of the store's writer turn, and each worker goes on only once its result is
/// committed. One transaction per message made every send queue on SQLite's write lock.
/// A result is never dropped: a batch the database refuses is kept and written again with backoff
/// until it goes in (an unrecorded send would go out again once its lease lapsed); on stopping,
/// what is waiting is tried once more.
/// </summary>
public sealed class MessageResultWriter : IAsyncDisposable
{
    private readonly StoreExecutor store;
    private readonly TrackingStore tracking;
    private readonly EngineIdentity identity;
    private readonly TimeProvider time;
    private readonly ILogger<MessageResultWriter> logger;
    private readonly GroupCommit<MessageResult, bool> commit;

    public MessageResultWriter(StoreExecutor store, TrackingStore tracking, EngineIdentity identity, TimeProvider time,
        IOptions<SendingOptions> options, ILogger<MessageResultWriter> logger)
    {
        this.store = store;
        this.tracking = tracking;
        this.identity = identity;
        this.time = time;
        this.logger = logger;
        var batchSize = Math.Max(1, options.Value.ResultBatchSize);
        // One batch deep, as the campaign results: workers wait rather than pile up sent-but-unrecorded results.
        // Started by the first result rather than by the host, so the cron path has its writer too.
        commit = new GroupCommit<MessageResult, bool>(batchSize, batchSize, WriteBatchAsync);
    }

    /// <summary>Records the result with the others of this moment; completes once it is committed.</summary>
    public Task RecordAsync(MessageResult result, CancellationToken cancellationToken) =>
        // A caller that goes away still has its result recorded: the writer keeps it.
        commit.WriteAsync(result, cancellationToken);

    /// <summary>
    /// Writes the batch, again with backoff while the database refuses it; on stopping, one more attempt decides,
    /// and a batch still refused fails its workers. Each answer: whether this process's record went in.
    /// </summary>
    private async Task WriteBatchAsync(GroupCommit<MessageResult, bool>.Batch batch, CancellationToken stopping)
    {
        var results = batch.Items;
        bool[] recorded = [];
        var failure = await RecordingRetry.UntilRecordedAsync(async () =>
        {
            try
            {
                // Not cancellable: once begun, a batch goes in or rolls back whole.
                recorded = await store.InTransactionAsync((connection, transaction, ct) => WriteAsync(connection, transaction, results, ct),
                    CancellationToken.None);
                return null;
            }
            catch (Exception exception)
            {
                return exception;
            }
        }, (failure, _) => logger.LogError(failure, "Recording {Count} transactional results failed; they are kept and written again", results.Count),
            stopping);
        if (failure is not null)
        {
            // Unrecorded sends: their leases lapse and they are sent again, as after a crash.
            logger.LogError(failure, "Stopping with {Count} transactional results unrecorded: the database refused them", results.Count);
            ExceptionDispatchInfo.Throw(failure);
        }
        for (var i = 0; i < recorded.Length; i++) batch.Answer(i, recorded[i]);
    }

    private static readonly RowStatement UpdateRow = new("""
        UPDATE messages SET status = @status, attempts = @attempts, last_reply = @reply, reply_code = @code, not_before = @notBefore,
            sent_at = @sentAt, updated_at = @now, lease_owner = NULL, lease_until = 0
        WHERE id = @id AND lease_owner = @owner AND status = 0
        """,
        ("@status", DbType.Int32), ("@attempts", DbType.Int32), ("@reply", DbType.String), ("@code", DbType.Int32), ("@notBefore", DbType.Int64),
        ("@sentAt", DbType.DateTimeOffset), ("@now", DbType.DateTimeOffset), ("@id", DbType.Int64), ("@owner", DbType.String));

    private static readonly RowStatement InsertArchived = new("""
        INSERT INTO outbox (message_id, recipient, subject, sent_at, transactional_message_id, path)
        VALUES (@messageId, @recipient, @subject, @sentAt, @message, @path)
        """,
        ("@messageId", DbType.String), ("@recipient", DbType.String), ("@subject", DbType.String), ("@sentAt", DbType.Int64),
        ("@message", DbType.Int64), ("@path", DbType.String));

    /// <summary>
    /// The batch's rows, in one transaction: each message's record (only while this process still
    /// holds it), the archived copies, the tracking sends, and the hard bounces' suppressions, so
    /// none goes in without the others.
    /// </summary>
    private async Task<bool[]> WriteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<MessageResult> batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var owner = identity.Owner;
        var changed = await UpdateRow.RunAsync(connection, transaction, batch, (r, v) =>
        {
            v[0] = (int)r.Status;
            v[1] = r.Attempts;
            v[2] = r.Reply is { Length: > 1000 } longReply ? longReply[..1000] : r.Reply;
            v[3] = r.Code;
            v[4] = r.NotBefore;
            v[5] = r.Sent ? now : null;
            v[6] = now;
            v[7] = r.Message.Id;
            v[8] = owner;
        }, cancellationToken);

        var archived = batch.Where(r => r.Archived is not null).ToList();
        await InsertArchived.RunAsync(connection, transaction, archived, static (r, v) =>
        {
            var copy = r.Archived!;
            v[0] = copy.MessageId;
            v[1] = copy.Recipient;
            v[2] = copy.Subject;
            v[3] = copy.SentAt;
            v[4] = r.Message.Id;
            v[5] = copy.Path;
        }, cancellationToken);

        var sent = new List<SentMessage>();
        var bounced = new List<(int Trigger, string Email)>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (changed[i] != 1) continue; // recorded meanwhile, or its lease lapsed and another process holds it
            var r = batch[i];
            if (r.Sent) sent.Add(new SentMessage(TrackedSource.Trigger, r.Message.TriggerId, r.TrackingCategoryId, r.Message.UserId));
            // A 5xx to RCPT: a hard bounce, suppressed for campaigns and transactional mail alike.
            if (r.Status == MessageStatus.Bounced) bounced.Add((r.Message.TriggerId, r.Message.Email));
        }
        await tracking.AddSentAsync(connection, transaction, sent, cancellationToken);
        foreach (var byTrigger in bounced.GroupBy(b => b.Trigger))
            await SuppressionService.InsertAsync(connection, transaction, byTrigger.Select(b => (b.Email, SuppressionReason.HardBounce)).ToList(),
                "trigger " + byTrigger.Key, now, cancellationToken);
        return Array.ConvertAll(changed, c => c == 1);
    }

    public ValueTask DisposeAsync() => commit.DisposeAsync();
}
