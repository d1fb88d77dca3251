using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Campaigns;

namespace Triton.Core.Sending;

/// <summary>
/// Records results in batches (one transaction each) and applies what they imply: counters,
/// MaxSendErrors auto-pause, a transport failure's pause.
/// </summary>
public sealed class ResultWriter(
    DeliveryStore deliveries,
    JobBoard board,
    EngineIdentity identity,
    CampaignAutoPause autoPause,
    CampaignProgressFeed progress,
    IOptions<SendingOptions> options,
    ILogger<ResultWriter> logger)
{
    private readonly SendingOptions _options = options.Value;
    // One batch deep: when the writer lags, workers wait instead of piling up sent-but-unrecorded
    // results, which bounds what a crash can repeat (docs/SENDING.md).
    private readonly Channel<(CampaignSession Session, DeliveryResult Result)> _results =
        Channel.CreateBounded<(CampaignSession, DeliveryResult)>(new BoundedChannelOptions(Math.Max(1, options.Value.ResultBatchSize)) { SingleReader = true });

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
                var deadline = Environment.TickCount64 + _options.ResultFlushMilliseconds;
                while (batch.Count < _options.ResultBatchSize)
                {
                    if (reader.TryRead(out var item)) { batch.Add(item); continue; }
                    var wait = deadline - Environment.TickCount64;
                    if (wait <= 0) break;
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    timeout.CancelAfter(TimeSpan.FromMilliseconds(wait));
                    try { if (!await reader.WaitToReadAsync(timeout.Token)) break; }
                    catch (OperationCanceledException) when (!stopping.IsCancellationRequested) { break; }
                }
                await RecordAsync(batch, CancellationToken.None);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        // Shutdown: record what was already sent, so a clean stop repeats nothing.
        while (reader.TryRead(out var item)) batch.Add(item);
        if (batch.Count > 0) await RecordAsync(batch, CancellationToken.None);
    }

    /// <summary>Records one batch and applies its consequences; the workers' writer and the cron endpoint both use it.</summary>
    public async Task RecordAsync(IReadOnlyList<(CampaignSession Session, DeliveryResult Result)> batch, CancellationToken cancellationToken)
    {
        try
        {
            await deliveries.RecordAsync(batch.Select(b => b.Result).ToList(), identity.Owner, cancellationToken);
            foreach (var group in batch.GroupBy(b => b.Session))
            {
                var session = group.Key;
                session.Settled(group.Count());
                board.RoomFreed();
                progress.MarkChanged(session.CampaignId);
                var pauseReason = group.Select(g => g.Result.PauseReason).FirstOrDefault(r => r is not null);
                if (pauseReason is not null)
                {
                    await autoPause.PauseAsync(session, pauseReason, cancellationToken);
                    continue;
                }
                var errors = session.Errors;
                if (_options.MaxSendErrors > 0 && errors >= _options.MaxSendErrors)
                    await autoPause.PauseAsync(session, $"Paused after {errors} send errors (Sending:MaxSendErrors is {_options.MaxSendErrors}).", cancellationToken);
            }
        }
        catch (Exception exception)
        {
            // The leases stay: the jobs go back to the queue when they expire, nothing is lost.
            logger.LogError(exception, "Recording {Count} delivery results failed", batch.Count);
            foreach (var group in batch.GroupBy(b => b.Session)) group.Key.Settled(group.Count());
            board.RoomFreed();
        }
    }
}
