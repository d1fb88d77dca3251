using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Triggers;

namespace Triton.Core.Sending;

/// <summary>
/// The send phase of this process, made explicit: a dispatcher claims jobs into each session's
/// bounded prefetch, workers render and send them, and one writer records results in batches.
/// The resume point moves only when the writer records an accepted message.
/// </summary>
public sealed class SendPipeline(
    JobBoard board,
    DeliveryStore deliveries,
    DeliveryAttempt attempt,
    ResultWriter writer,
    LeaseBook leases,
    LeaseKeeper keeper,
    TransactionalQueue transactional,
    TransactionalAttempt transactionalAttempt,
    EngineIdentity identity,
    IOptions<SendingOptions> options,
    ILogger<SendPipeline> logger)
{
    private readonly SendingOptions _options = options.Value;

    public Task RunAsync(CancellationToken stopping)
    {
        if (_options.Workers <= 0)
            return keeper.RunAsync(stopping); // cron-driven mode: POST /api/cron/process-email-queue sends
        ReserveThreads();
        var tasks = new List<Task> { DispatchAsync(stopping), writer.RunAsync(stopping), keeper.RunAsync(stopping), transactional.RunAsync(stopping) };
        for (var i = 0; i < _options.Workers; i++) tasks.Add(WorkAsync(stopping));
        return Task.WhenAll(tasks);
    }

    /// <summary>
    /// SQLite calls and file writes hold a pool thread for their whole duration. With the pool's
    /// default of one thread per core, a web request queued behind them for hundreds of milliseconds
    /// while a campaign sent at full speed; a thread for every worker plus Sending:ReservedThreads
    /// keeps pages quick.
    /// </summary>
    private void ReserveThreads()
    {
        if (_options.ReservedThreads <= 0) return;
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        var wanted = _options.Workers + _options.ReservedThreads;
        if (minWorkers < wanted && ThreadPool.SetMinThreads(wanted, minIo))
            logger.LogDebug("Thread pool minimum raised to {Threads} threads", wanted);
    }

    private async Task DispatchAsync(CancellationToken stopping)
    {
        var lease = TimeSpan.FromSeconds(_options.LeaseSeconds);
        while (!stopping.IsCancellationRequested)
        {
            var claimedAny = false;
            foreach (var session in board.Sessions)
            {
                if (session.IsHalted) continue;
                var room = Prefetch(session) - session.Outstanding;
                if (room < Math.Min(_options.ClaimBatchSize, Prefetch(session)) / 2) continue;
                try
                {
                    var jobs = await deliveries.ClaimAsync(session.CampaignId, session.Generation, identity.Owner, room, lease,
                        session.SubjectMode == Domain.SubjectMode.Sequential, stopping);
                    if (!await TakeClaimedAsync(session, jobs, stopping)) continue;
                    claimedAny = true;
                    board.Signal();
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
                catch (Exception exception)
                {
                    logger.LogError(exception, "Claiming jobs of campaign {CampaignId} failed", session.CampaignId);
                }
            }
            if (!claimedAny)
            {
                // Waking as soon as the writer records a batch keeps the prefetch full: polling alone
                // left the pipeline idle for most of each interval and capped the rate.
                try { await board.WaitForRoomAsync(TimeSpan.FromMilliseconds(20), stopping); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>
    /// Hands a claim's jobs to their session; false when none were handed. A session halted while the claim ran (a
    /// pause, a stop) may have given back its buffer already: jobs left in it would stay leased, and renewed, for good,
    /// so they are given back here at once. Public so tests can drive it.
    /// </summary>
    public async Task<bool> TakeClaimedAsync(CampaignSession session, List<ClaimedDelivery> jobs, CancellationToken cancellationToken)
    {
        jobs = Hold(jobs);
        if (jobs.Count == 0) return false;
        session.AddClaimed(jobs);
        if (!session.IsHalted) return true;
        await GiveBackAsync(session, cancellationToken);
        return false;
    }

    /// <summary>
    /// Gives back the leases of the session's claimed jobs that no worker started (a pause, a stop, a shutdown), so
    /// the campaign's next run claims them at once instead of after the lease.
    /// </summary>
    public async Task GiveBackAsync(CampaignSession session, CancellationToken cancellationToken)
    {
        var released = session.DrainBuffer();
        if (released.Count == 0) return;
        leases.Release(released);
        try
        {
            await deliveries.ReleaseAsync(released, identity.Owner, cancellationToken);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Releasing leases of campaign {CampaignId} failed; they expire on their own", session.CampaignId);
        }
    }

    /// <summary>
    /// Puts claimed jobs in the lease book. A job this process already holds (its lease lapsed while
    /// it waited here, and the claim took it again) stays with its first holder: one process, one copy.
    /// </summary>
    private List<ClaimedDelivery> Hold(List<ClaimedDelivery> jobs)
    {
        var held = new List<ClaimedDelivery>(jobs.Count);
        foreach (var job in jobs)
            if (leases.TryHold(job)) held.Add(job);
            else logger.LogWarning("Delivery {DeliveryId} was claimed while this process still held it; kept once", job.Id);
        return held;
    }

    /// <summary>
    /// Jobs leased ahead per campaign: enough to keep its concurrency busy between claims, and on a
    /// throttled transport no more than about two seconds of its rate, so a pause gives little back
    /// and the lease keeper renews little.
    /// </summary>
    private int Prefetch(CampaignSession session)
    {
        var prefetch = Math.Max(session.Concurrency * 2, _options.ClaimBatchSize);
        if (session.RatePerSecond > 0)
            prefetch = Math.Min(prefetch, Math.Max(session.Concurrency, (int)Math.Ceiling(session.RatePerSecond * 2)));
        return prefetch;
    }

    private async Task WorkAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            // Transactional mail first: a password reset never waits behind a campaign's queue.
            if (transactional.TryTake(out var message))
            {
                try { await transactionalAttempt.ExecuteAsync(message, stopping); }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
                catch (Exception exception)
                {
                    logger.LogError(exception, "Message {MessageId} could not be processed; its lease will expire and it will be retried", message.MessageId);
                }
                finally { transactional.Done(); }
                continue;
            }
            if (!board.TryTake(out var session, out var job))
            {
                try { await board.WaitAsync(stopping); }
                catch (OperationCanceledException) { return; }
                continue;
            }
            if (session.HasBuffered) board.Signal(); // pass the wake-up on while work remains
            try
            {
                var result = await attempt.ExecuteAsync(session, job, stopping);
                await writer.WriteAsync(session, result, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception exception)
            {
                logger.LogError(exception, "Delivery {DeliveryId} could not be processed; its lease will expire and it will be retried", job.Id);
                leases.Release(job.Id);
                session.Settled(1);
            }
            finally
            {
                session.Finished();
                board.Signal();
            }
        }
    }
}

/// <summary>This process's name on the leases it takes.</summary>
public sealed class EngineIdentity
{
    public string Owner { get; } = Limit($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}");

    private static string Limit(string owner) => owner.Length <= 100 ? owner : owner[^100..];
}
