using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Campaigns;
using Triton.Core.Data;

namespace Triton.Core.Sending;

/// <summary>
/// Records results in batches (one transaction each), moves the counters, and gives the jobs'
/// leases up. A result is never dropped: a batch the database refuses is kept and written again
/// until it goes in (or the process stops), while the workers wait behind the one-batch-deep
/// queue; an unrecorded send would otherwise be sent again once its lease lapsed. A storage
/// failure that outlasts the store's own retries halts every running campaign with the reason,
/// and the coordinator pauses them once the database takes writes again.
/// </summary>
public sealed class ResultWriter(
    DeliveryStore deliveries,
    JobBoard board,
    LeaseBook leases,
    EngineIdentity identity,
    StorageReserve reserve,
    CampaignProgressFeed progress,
    EngineSignal engine,
    IOptions<SendingOptions> options,
    ILogger<ResultWriter> logger)
{
    private readonly SendingOptions _options = options.Value;
    // One batch deep: when the writer lags, workers wait instead of piling up sent-but-unrecorded
    // results, which bounds what a crash can repeat (docs/SENDING.md).
    private readonly Channel<(CampaignSession Session, DeliveryResult Result)> _results =
        Channel.CreateBounded<(CampaignSession, DeliveryResult)>(new BoundedChannelOptions(Math.Max(1, options.Value.ResultBatchSize)) { SingleReader = true });

    // Results of the cron path that the database refused; written first by the next call.
    private readonly List<(CampaignSession Session, DeliveryResult Result)> _backlog = [];
    private readonly SemaphoreSlim _backlogGate = new(1, 1);

    public ValueTask WriteAsync(CampaignSession session, DeliveryResult result, CancellationToken cancellationToken) =>
        _results.Writer.WriteAsync((session, result), cancellationToken);

    public async Task RunAsync(CancellationToken stopping)
    {
        var batch = new List<(CampaignSession Session, DeliveryResult Result)>(_options.ResultBatchSize);
        var reader = _results.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stopping))
            {
                await reader.FillAsync(batch, _options.ResultBatchSize, _options.ResultFlushMilliseconds, stopping);
                await WriteUntilRecordedAsync(batch, stopping);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        // Shutdown: record what was already sent, so a clean stop repeats nothing.
        while (reader.TryRead(out var item)) batch.Add(item);
        if (batch.Count > 0) await TryRecordAsync(batch, CancellationToken.None);
    }

    /// <summary>Writes the batch, retrying with backoff while the database refuses it, until it goes in or the process stops.</summary>
    private async Task WriteUntilRecordedAsync(List<(CampaignSession Session, DeliveryResult Result)> batch, CancellationToken stopping)
    {
        var failure = await RecordingRetry.UntilRecordedAsync(() => TryRecordAsync(batch, CancellationToken.None), HaltOnStorageFailure, stopping);
        // Unrecorded sends: their leases lapse and they are sent again, as after a crash (docs/SENDING.md).
        if (failure is not null) logger.LogError("Stopping with {Count} delivery results unrecorded: the database refused them", batch.Count);
    }

    /// <summary>
    /// Records the results of the cron path: the backlog the database refused earlier first, then
    /// these. When the database refuses them they join the backlog and <see cref="StorageUnavailableException"/> says why.
    /// </summary>
    public async Task RecordAsync(IReadOnlyList<(CampaignSession Session, DeliveryResult Result)> batch, CancellationToken cancellationToken)
    {
        await _backlogGate.WaitAsync(cancellationToken);
        try
        {
            _backlog.AddRange(batch);
            if (_backlog.Count == 0) return;
            var failure = await TryRecordAsync(_backlog, cancellationToken);
            if (failure is null)
            {
                _backlog.Clear();
                return;
            }
            HaltOnStorageFailure(failure, long.MaxValue);
            throw new StorageUnavailableException(StorageFailure.Describe(failure) ?? failure.Message, failure);
        }
        finally
        {
            _backlogGate.Release();
        }
    }

    /// <summary>One attempt at writing a batch; the failure, or null once it is recorded and applied.</summary>
    private async Task<Exception?> TryRecordAsync(IReadOnlyList<(CampaignSession Session, DeliveryResult Result)> batch, CancellationToken cancellationToken)
    {
        var held = leases.Take(batch.Select(b => b.Result.DeliveryId));
        try
        {
            await deliveries.RecordAsync(batch.Select(b => b.Result).ToList(), identity.Owner, cancellationToken);
        }
        catch (Exception exception)
        {
            leases.Restore(held);
            if (cancellationToken.IsCancellationRequested) throw;
            logger.LogError(exception, "Recording {Count} delivery results failed; they are kept and written again", batch.Count);
            if (StorageFailure.IsOutOfSpace(exception)) reserve.Release();
            return exception;
        }
        // Written: the rows no longer name this process, so their room is free.
        foreach (var group in batch.GroupBy(b => b.Session))
        {
            group.Key.Settled(group.Count());
            progress.MarkChanged(group.Key.CampaignId);
            // Its last job is recorded: the coordinator finishes the campaign now, not at its next poll.
            if (group.Key is { EnqueueFinished: true, Outstanding: 0 }) engine.Wake();
        }
        board.RoomFreed();
        return null;
    }

    /// <summary>
    /// A full or read-only disk halts at once; a database server restarting or briefly unreachable
    /// only once it lasts, so a short outage costs a gap in sending rather than a paused campaign.
    /// </summary>
    private void HaltOnStorageFailure(Exception failure, long failingForMilliseconds)
    {
        var reason = StorageFailure.Describe(failure);
        if (reason is null) return;
        if (StorageFailure.MayPass(failure) && failingForMilliseconds < 10_000) return;
        foreach (var session in board.Sessions) session.HaltFor("Sending results cannot be recorded: " + reason);
    }
}
