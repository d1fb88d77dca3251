using System.Data.Common;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Lists;
using Triton.Core.Suppressions;
using Triton.Core.Tracking;
using static Triton.Core.Data.StoreExecutor;
using static Triton.Core.Sending.SqlDialect;

namespace Triton.Core.Sending;

/// <summary>
/// The engine's hot-path SQL on deliveries: enqueue by INSERT ... SELECT in recipient-id batches,
/// lease-based claiming, batched result writes with exact counters. Every call runs in one
/// transaction through <see cref="StoreExecutor"/>.
/// </summary>
public sealed class DeliveryStore(StoreExecutor store, SqlDialect dialect, TrackingStore tracking, TimeProvider time)
{
    public long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Fixes Plan and the recipient range of a fresh generation. Returns false if already done.</summary>
    public Task<bool> InitializeGenerationAsync(int campaignId, int generation, int listId, CancellationToken cancellationToken) =>
        store.InTransactionAsync(async (connection, transaction, ct) =>
        {
            await using var command = Command(connection, transaction, """
                UPDATE campaigns SET
                    plan = (SELECT COUNT(*) FROM recipients WHERE list_id = @list),
                    enqueue_limit = (SELECT COALESCE(MAX(id), 0) FROM recipients WHERE list_id = @list),
                    enqueue_cursor = 0, enqueued = 0
                WHERE id = @campaign AND generation = @generation AND enqueue_limit = 0 AND enqueue_done = @false
                """);
            AddParameter(command, "@list", listId);
            AddParameter(command, "@campaign", campaignId);
            AddParameter(command, "@generation", generation);
            AddParameter(command, "@false", false);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    /// <summary>
    /// Enqueues the next batch of recipients after the cursor. The cursor moves in the same
    /// transaction, conditionally, so two enqueuers (two instances) can never double a batch.
    /// </summary>
    public Task<EnqueueStep> EnqueueBatchAsync(int campaignId, int generation, int listId, int batchSize, CancellationToken cancellationToken) =>
        store.InTransactionAsync(async (connection, transaction, ct) =>
        {
            long cursor, limit;
            await using (var read = Command(connection, transaction,
                "SELECT enqueue_cursor, enqueue_limit FROM campaigns WHERE id = @campaign AND generation = @generation AND enqueue_done = @false"))
            {
                AddParameter(read, "@campaign", campaignId);
                AddParameter(read, "@generation", generation);
                AddParameter(read, "@false", false);
                await using var reader = await read.ExecuteReaderAsync(ct);
                if (!await reader.ReadAsync(ct)) return new EnqueueStep(0, Done: true);
                cursor = reader.GetInt64(0);
                limit = reader.GetInt64(1);
            }

            long? next;
            await using (var upper = Command(connection, transaction, """
                SELECT MAX(id) FROM (SELECT id FROM recipients
                    WHERE list_id = @list AND id > @cursor AND id <= @limit ORDER BY id LIMIT @n) AS batch
                """))
            {
                AddParameter(upper, "@list", listId);
                AddParameter(upper, "@cursor", cursor);
                AddParameter(upper, "@limit", limit);
                AddParameter(upper, "@n", batchSize);
                var value = await upper.ExecuteScalarAsync(ct);
                next = value is null or DBNull ? null : Convert.ToInt64(value);
            }

            int inserted = 0, skipped = 0;
            if (next is { } to)
            {
                // Suppressed addresses are written Skipped at once, in the same set-based insert: one
                // indexed probe of the suppression list per recipient, no round trip per message.
                await using var insert = Command(connection, transaction, """
                    INSERT INTO deliveries (campaign_id, generation, recipient_id, email, status, attempts, last_reply, updated_at, not_before, lease_until)
                    SELECT @campaign, @generation, r.id, r.email,
                        CASE WHEN s.id IS NULL THEN 0 ELSE 2 END, 0,
                        CASE WHEN s.id IS NULL THEN NULL ELSE 'Suppressed (' || s.source || ')' END,
                        @now, 0, 0
                    FROM recipients r LEFT JOIN suppressions s ON s.email = r.email_key
                    WHERE r.list_id = @list AND r.id > @cursor AND r.id <= @to
                    ON CONFLICT DO NOTHING
                    RETURNING status
                    """);
                AddParameter(insert, "@campaign", campaignId);
                AddParameter(insert, "@generation", generation);
                AddParameter(insert, "@now", Now);
                AddParameter(insert, "@list", listId);
                AddParameter(insert, "@cursor", cursor);
                AddParameter(insert, "@to", to);
                await using var reader = await insert.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    inserted++;
                    if (reader.GetInt32(0) == (int)DeliveryStatus.Skipped) skipped++;
                }
            }

            var done = next is null || next >= limit;
            // When the range is exhausted, Plan becomes what was really enqueued (recipients deleted
            // during the run are not waited for).
            await using var advance = Command(connection, transaction, $"""
                UPDATE campaigns SET enqueue_cursor = @next, enqueued = enqueued + @inserted, skipped = skipped + @skipped, enqueue_done = @done
                    {(done ? ", plan = enqueued + @inserted" : "")}
                WHERE id = @campaign AND generation = @generation AND enqueue_cursor = @cursor
                """);
            AddParameter(advance, "@next", next ?? cursor);
            AddParameter(advance, "@inserted", inserted);
            AddParameter(advance, "@skipped", skipped);
            AddParameter(advance, "@done", done);
            AddParameter(advance, "@campaign", campaignId);
            AddParameter(advance, "@generation", generation);
            AddParameter(advance, "@cursor", cursor);
            if (await advance.ExecuteNonQueryAsync(ct) != 1)
            {
                transaction.Rollback();
                return new EnqueueStep(0, Done: false);
            }
            if (skipped > 0) await CountDayAsync(connection, transaction, new CounterDelta(0, skipped, 0, 0), ct);
            return new EnqueueStep(inserted, done);
        }, cancellationToken);

    /// <summary>Leases up to <paramref name="count"/> due jobs and loads their recipients' data.</summary>
    public Task<List<ClaimedDelivery>> ClaimAsync(int campaignId, int generation, string owner, int count, TimeSpan lease,
        bool withPreviousSubject, CancellationToken cancellationToken) =>
        store.InTransactionAsync(async (connection, transaction, ct) =>
        {
            var now = Now;
            var until = now + (long)lease.TotalMilliseconds;
            var claimed = new List<ClaimedDelivery>(count);
            await using (var claim = Command(connection, transaction, dialect.ClaimSql))
            {
                AddParameter(claim, "@owner", owner);
                AddParameter(claim, "@until", until);
                AddParameter(claim, "@campaign", campaignId);
                AddParameter(claim, "@generation", generation);
                AddParameter(claim, "@now", now);
                AddParameter(claim, "@n", count);
                await using var reader = await claim.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var job = new ClaimedDelivery
                    {
                        Id = reader.GetInt64(0), RecipientId = reader.GetInt64(1), Email = reader.GetString(2), Attempts = reader.GetInt32(3),
                        LeaseUntil = until,
                        UserId = reader.IsDBNull(4) ? null : reader.GetString(4),
                    };
                    if (!reader.IsDBNull(5)) job.Fields = reader.GetString(5);
                    claimed.Add(job);
                }
            }
            if (claimed.Count == 0) return claimed;

            // Addresses suppressed since they were enqueued (an unsubscribe mid-run): one look-up per claimed
            // batch, and those jobs are recorded Skipped by the writer without being sent.
            foreach (var chunk in claimed.Chunk(500))
            {
                var byEmail = chunk.GroupBy(j => EmailAddresses.Key(j.Email)).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
                await using var suppressed = connection.CreateCommand();
                suppressed.Transaction = transaction;
                suppressed.CommandText = "SELECT email, source FROM suppressions WHERE " + dialect.TextListCondition(suppressed, "email", [.. byEmail.Keys]);
                await using var reader = await suppressed.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                    if (byEmail.TryGetValue(reader.GetString(0), out var jobs))
                        foreach (var job in jobs) job.SkipReason = $"Suppressed ({reader.GetString(1)})";
            }

            if (withPreviousSubject)
            {
                var byRecipient = new Dictionary<long, ClaimedDelivery>(claimed.Count);
                foreach (var job in claimed) byRecipient[job.RecipientId] = job;
                var recipientIds = byRecipient.Keys.ToList();
                await using var previous = connection.CreateCommand();
                previous.Transaction = transaction;
                previous.CommandText = "SELECT recipient_id, subject_index FROM deliveries WHERE campaign_id = @campaign AND subject_index IS NOT NULL AND "
                    + dialect.IdListCondition(previous, "recipient_id", recipientIds) + " ORDER BY updated_at";
                AddParameter(previous, "@campaign", campaignId);
                await using var reader = await previous.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                    byRecipient[reader.GetInt64(0)].PreviousSubjectIndex = reader.GetInt32(1);
            }
            return claimed;
        }, cancellationToken);

    /// <summary>
    /// Writes a batch of results and moves the counters by exactly the rows that changed. A result
    /// whose lease was lost (expired and claimed elsewhere) changes nothing and counts nothing.
    /// </summary>
    public Task RecordAsync(IReadOnlyList<DeliveryResult> results, string owner, CancellationToken cancellationToken) =>
        store.InTransactionAsync(async (connection, transaction, ct) =>
        {
            var deltas = new Dictionary<(int Campaign, int Generation, long Run), CounterDelta>();
            var sent = new List<SentMessage>();
            await using var update = await ResultUpdate.PrepareAsync(connection, transaction, owner, Now, ct);

            var bounced = new List<(string Email, SuppressionReason Reason, int Campaign)>();
            foreach (var result in results)
            {
                if (!await update.ApplyAsync(result, ct)) continue;
                if (result.Status == DeliveryStatus.Sent)
                    sent.Add(new SentMessage(TrackedSource.Campaign, result.CampaignId, result.TrackingCategoryId, result.UserId));
                if (result.Status == DeliveryStatus.Bounced && result.Email is { } address)
                    bounced.Add((address, SuppressionReason.HardBounce, result.CampaignId));
                var key = (result.CampaignId, result.Generation, result.RunId);
                deltas[key] = (deltas.TryGetValue(key, out var delta) ? delta : default).Add(result.Status);
            }

            await InsertArchivedAsync(connection, transaction, results, ct);

            foreach (var ((campaign, generation, run), delta) in deltas)
            {
                await using var counters = Command(connection, transaction, """
                    UPDATE campaigns SET sent = sent + @sent, skipped = skipped + @skipped, failed = failed + @failed, bounced = bounced + @bounced
                    WHERE id = @campaign AND generation = @generation
                    """);
                AddParameter(counters, "@sent", delta.Sent);
                AddParameter(counters, "@skipped", delta.Skipped);
                AddParameter(counters, "@failed", delta.Failed);
                AddParameter(counters, "@bounced", delta.Bounced);
                AddParameter(counters, "@campaign", campaign);
                AddParameter(counters, "@generation", generation);
                await counters.ExecuteNonQueryAsync(ct);

                await using var runCounters = Command(connection, transaction,
                    "UPDATE campaign_runs SET sent = sent + @sent, failed = failed + @failed WHERE id = @run");
                AddParameter(runCounters, "@sent", delta.Sent);
                AddParameter(runCounters, "@failed", delta.Failed + delta.Bounced);
                AddParameter(runCounters, "@run", run);
                await runCounters.ExecuteNonQueryAsync(ct);
            }

            // A 5xx to RCPT is a hard bounce: the address is suppressed in this same transaction, so no
            // later campaign (or the rest of this one) tries it again.
            foreach (var byCampaign in bounced.GroupBy(b => b.Campaign))
                await SuppressionService.InsertAsync(connection, transaction, byCampaign.Select(b => (b.Email, b.Reason)),
                    "campaign " + byCampaign.Key, time.GetUtcNow(), ct);

            if (deltas.Count == 0) return;
            // The tracking stats' sends move with the counters, in the same transaction: a few statements per batch.
            await tracking.AddSentAsync(connection, transaction, sent, ct);
            await CountDayAsync(connection, transaction, deltas.Values.Aggregate(default(CounterDelta), (total, d) => total.Plus(d)), ct);
        }, cancellationToken);

    /// <summary>Adds a batch's counts to today's sending totals.</summary>
    private async Task CountDayAsync(DbConnection connection, DbTransaction transaction, CounterDelta day, CancellationToken ct)
    {
        await using var today = Command(connection, transaction, """
            INSERT INTO sending_days (day, sent, skipped, failed, bounced) VALUES (@day, @sent, @skipped, @failed, @bounced)
            ON CONFLICT (day) DO UPDATE SET sent = sending_days.sent + excluded.sent, skipped = sending_days.skipped + excluded.skipped,
                failed = sending_days.failed + excluded.failed, bounced = sending_days.bounced + excluded.bounced
            """);
        AddParameter(today, "@day", SendingDay.DayOf(time.GetUtcNow()));
        AddParameter(today, "@sent", day.Sent);
        AddParameter(today, "@skipped", day.Skipped);
        AddParameter(today, "@failed", day.Failed);
        AddParameter(today, "@bounced", day.Bounced);
        await today.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The outbox rows of archived messages, in the batch's transaction. A row is written even when the
    /// delivery's lease was lost meanwhile: the message did go out, and its copy is on disk.
    /// </summary>
    private static async Task InsertArchivedAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<DeliveryResult> results, CancellationToken ct)
    {
        if (!results.Any(r => r.Archived is not null)) return;
        await using var insert = Command(connection, transaction, """
            INSERT INTO outbox (message_id, recipient, subject, sent_at, campaign_id, delivery_id, path)
            VALUES (@messageId, @recipient, @subject, @sentAt, @campaign, @delivery, @path)
            """);
        var messageId = AddParameter(insert, "@messageId", "");
        var recipient = AddParameter(insert, "@recipient", "");
        var subject = AddParameter(insert, "@subject", "");
        var sentAt = AddParameter(insert, "@sentAt", 0L);
        var campaign = AddParameter(insert, "@campaign", 0);
        var delivery = AddParameter(insert, "@delivery", 0L);
        var path = AddParameter(insert, "@path", "");
        await insert.PrepareAsync(ct);
        foreach (var result in results)
        {
            if (result.Archived is not { } copy) continue;
            messageId.Value = copy.MessageId;
            recipient.Value = copy.Recipient;
            subject.Value = copy.Subject;
            sentAt.Value = copy.SentAt;
            campaign.Value = result.CampaignId;
            delivery.Value = result.DeliveryId;
            path.Value = copy.Path;
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// Extends this process's leases on the given queued jobs to <paramref name="until"/> (Unix ms), in
    /// batches, and answers which ones it still held: a job missing from the answer was recorded
    /// meanwhile, or its lease lapsed and another process claimed it.
    /// </summary>
    public Task<HashSet<long>> RenewAsync(IReadOnlyList<long> deliveryIds, string owner, long until, CancellationToken cancellationToken) =>
        store.InTransactionAsync(async (connection, transaction, ct) =>
        {
            var renewed = new HashSet<long>();
            foreach (var chunk in deliveryIds.Chunk(500))
            {
                await using var renew = connection.CreateCommand();
                renew.Transaction = transaction;
                renew.CommandText = "UPDATE deliveries SET lease_until = @until WHERE lease_owner = @owner AND status = 0 AND "
                    + dialect.IdListCondition(renew, "id", chunk) + " RETURNING id";
                AddParameter(renew, "@until", until);
                AddParameter(renew, "@owner", owner);
                await using var reader = await renew.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) renewed.Add(reader.GetInt64(0));
            }
            return renewed;
        }, cancellationToken);

    /// <summary>Gives back leases of jobs that were claimed but not started (pause, shutdown).</summary>
    public Task ReleaseAsync(IReadOnlyList<long> deliveryIds, string owner, CancellationToken cancellationToken) =>
        deliveryIds.Count == 0 ? Task.CompletedTask : store.InTransactionAsync(async (connection, transaction, ct) =>
        {
            foreach (var chunk in deliveryIds.Chunk(500))
            {
                await using var release = connection.CreateCommand();
                release.Transaction = transaction;
                release.CommandText = "UPDATE deliveries SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = @owner AND status = 0 AND "
                    + dialect.IdListCondition(release, "id", chunk);
                AddParameter(release, "@owner", owner);
                await release.ExecuteNonQueryAsync(ct);
            }
        }, cancellationToken);

}

public readonly record struct EnqueueStep(int Inserted, bool Done);

/// <summary>How much one batch moved a campaign's counters.</summary>
public readonly record struct CounterDelta(long Sent, long Skipped, long Failed, long Bounced)
{
    public CounterDelta Plus(CounterDelta other) =>
        new(Sent + other.Sent, Skipped + other.Skipped, Failed + other.Failed, Bounced + other.Bounced);

    public CounterDelta Add(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Sent => this with { Sent = Sent + 1 },
        DeliveryStatus.Skipped => this with { Skipped = Skipped + 1 },
        DeliveryStatus.Failed => this with { Failed = Failed + 1 },
        DeliveryStatus.Bounced => this with { Bounced = Bounced + 1 },
        _ => this,
    };
}
