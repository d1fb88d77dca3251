using Microsoft.Extensions.Options;
using Triton.Core.Domain;
using Triton.Core.Triggers;

namespace Triton.Core.Sending;

public sealed record QueueProcessingResult(int Processed, int Sent, int Failed);

/// <summary>
/// Cron-driven sending: one synchronous batch (at most 50) of queued work through the same attempt
/// and result-recording code as the workers: transactional messages first, as the workers take
/// them, then campaign jobs shared round-robin by the running campaigns.
/// </summary>
public sealed class QueueProcessor(
    CampaignEngine engine,
    JobBoard board,
    DeliveryStore deliveries,
    DeliveryAttempt attempt,
    ResultWriter writer,
    LeaseBook leases,
    TransactionalQueue transactional,
    TransactionalAttempt transactionalAttempt,
    EngineIdentity identity,
    IOptions<SendingOptions> options)
{
    public const int MaxBatch = 50;

    public async Task<QueueProcessingResult> ProcessAsync(int batchSize, CancellationToken cancellationToken)
    {
        var remaining = Math.Clamp(batchSize, 1, MaxBatch);
        // Results an earlier call could not record go in first; while the database refuses them, nothing new is sent.
        await writer.RecordAsync([], cancellationToken);
        var (messagesProcessed, messagesSent) = await SendTransactionalAsync(remaining, cancellationToken);
        remaining -= messagesProcessed;
        await engine.CoordinateAsync(cancellationToken);
        var lease = TimeSpan.FromSeconds(options.Value.LeaseSeconds);
        var results = new List<(CampaignSession Session, DeliveryResult Result)>();
        var sessions = board.Sessions.Where(s => !s.IsHalted).ToList();
        for (var i = 0; i < sessions.Count && remaining > 0; i++)
        {
            var session = sessions[i];
            var share = (int)Math.Ceiling(remaining / (double)(sessions.Count - i));
            var claimed = await deliveries.ClaimAsync(session.CampaignId, session.Generation, identity.Owner, share, lease,
                session.SubjectMode == SubjectMode.Sequential, cancellationToken);
            var jobs = claimed.Where(leases.TryHold).ToList();
            session.AddOutstanding(jobs.Count);
            foreach (var job in jobs)
                results.Add((session, await attempt.ExecuteAsync(session, job, cancellationToken)));
            remaining -= jobs.Count;
        }
        if (results.Count > 0) await writer.RecordAsync(results, cancellationToken);
        await engine.CoordinateAsync(cancellationToken);
        var sent = results.Count(r => r.Result.Status == DeliveryStatus.Sent) + messagesSent;
        var processed = results.Count + messagesProcessed;
        return new QueueProcessingResult(processed, sent, processed - sent);
    }

    /// <summary>Due transactional messages, up to the batch; one that will be retried counts as processed, not sent.</summary>
    private async Task<(int Processed, int Sent)> SendTransactionalAsync(int batch, CancellationToken cancellationToken)
    {
        var processed = 0;
        var sent = 0;
        foreach (var message in await transactional.ClaimAsync(batch, cancellationToken))
        {
            var status = await transactionalAttempt.ExecuteAsync(message, cancellationToken);
            processed++;
            if (status == MessageStatus.Sent) sent++;
        }
        return (processed, sent);
    }
}
