using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Data;
using Triton.Core.Sending;
using static Triton.Core.Data.StoreExecutor;
using static Triton.Core.Sending.SqlDialect;

namespace Triton.Core.Triggers;

/// <summary>A queued transactional message leased to this process.</summary>
public sealed record ClaimedMessage(long Id, string MessageId, int TriggerId, string EventName, string Email, string? UserId,
    string Fields, string Variables, int Attempts, long LeaseUntil);

/// <summary>
/// The transactional side of the worker pool: leases due messages (at most twice the workers, so none
/// waits long enough for its lease to lapse) and hands them to workers before any campaign job, so a
/// running campaign never delays a password reset by more than the messages already in flight.
/// </summary>
public sealed class TransactionalQueue(
    StoreExecutor store,
    SqlDialect dialect,
    JobBoard board,
    EngineIdentity identity,
    TimeProvider time,
    IOptions<SendingOptions> options,
    ILogger<TransactionalQueue> logger) : IDisposable
{
    private readonly ConcurrentQueue<ClaimedMessage> _buffer = new();
    private readonly WakeUp _wake = new();
    private int _held;

    /// <summary>New messages are waiting (an event was accepted, a message retried).</summary>
    public void Signal() => _wake.Raise();

    public bool TryTake(out ClaimedMessage message) => _buffer.TryDequeue(out message!);

    public void Dispose() => _wake.Dispose();

    /// <summary>A message taken by a worker is recorded (or given up): room for another.</summary>
    public void Done()
    {
        Interlocked.Decrement(ref _held);
        Signal();
    }

    // Twice the workers, claimed once half is free: one claim per few messages rather than one per message
    // finished, while the workers always find the next message waiting.
    private int Capacity => Math.Max(2, 2 * options.Value.Workers);

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var room = Capacity - Volatile.Read(ref _held);
                if (room >= Capacity / 2)
                {
                    var claimed = await ClaimAsync(room, stopping);
                    if (claimed.Count > 0)
                    {
                        Interlocked.Add(ref _held, claimed.Count);
                        foreach (var message in claimed) _buffer.Enqueue(message);
                        board.Signal();
                        continue;
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception exception)
            {
                logger.LogError(exception, "Claiming transactional messages failed");
            }
            try { await _wake.WaitAsync(TimeSpan.FromMilliseconds(options.Value.PollMilliseconds), stopping); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// Leases up to <paramref name="count"/> due messages to this process (the cron path calls it directly), in due
    /// order: the order of the (status, not_before, id) index, so the claim reads only the rows it takes and the few
    /// leased ones, not every queued message (sorting a backlog of thousands by id cost milliseconds per claim).
    /// </summary>
    public Task<List<ClaimedMessage>> ClaimAsync(int count, CancellationToken cancellationToken) =>
        store.InTransactionAsync(async (connection, transaction, ct) =>
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var until = now + options.Value.LeaseSeconds * 1000L;
            await using var claim = Command(connection, transaction, $"""
                UPDATE messages SET lease_owner = @owner, lease_until = @until
                WHERE id IN (
                    SELECT id FROM messages WHERE status = 0 AND lease_until < @now AND not_before <= @now
                    ORDER BY not_before, id LIMIT @n{(dialect.Provider == DatabaseProvider.Postgres ? " FOR UPDATE SKIP LOCKED" : "")})
                RETURNING id, message_id, trigger_id, event_name, email, user_id, fields, variables, attempts
                """);
            AddParameter(claim, "@owner", identity.Owner);
            AddParameter(claim, "@until", until);
            AddParameter(claim, "@now", now);
            AddParameter(claim, "@n", count);
            var claimed = new List<ClaimedMessage>();
            await using var reader = await claim.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                claimed.Add(new ClaimedMessage(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetInt32(8), until));
            return claimed;
        }, cancellationToken);
}
