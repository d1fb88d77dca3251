using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Bounces;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Suppressions;
using Triton.Core.Templates;
using Triton.Core.Tracking;

namespace Triton.Core.Sending;

/// <summary>
/// The coordinator: starts Pending campaigns within MaxParallelCampaigns, keeps a session (and its
/// enqueuer) for every Running campaign, halts sessions whose campaign left Running, and finishes
/// campaigns once every planned recipient is processed. State lives in the database, so several
/// instances (or a restart) pick up where things are.
/// </summary>
public sealed class CampaignEngine(
    IDbContextFactory<TritonDbContext> contexts,
    JobBoard board,
    SendPipeline pipeline,
    DeliveryStore deliveries,
    CampaignTransitions transitions,
    CampaignRunLog runs,
    CampaignProgressFeed progress,
    IMailTransports transports,
    CampaignAutoPause autoPause,
    StorageReserve reserve,
    TemplateCompiler compiler,
    TemplateCache templates,
    TrackingLinks tracking,
    EngineSignal signal,
    Unsubscribes unsubscribes,
    ReturnPaths returnPaths,
    IOptions<SendingOptions> options,
    ILogger<CampaignEngine> logger) : BackgroundService
{
    private readonly SendingOptions _options = options.Value;
    private readonly SemaphoreSlim _coordinating = new(1, 1);

    /// <summary>Look now instead of at the next poll (a command changed a campaign).</summary>
    public void Wake() => signal.Wake();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sending = pipeline.RunAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CoordinateAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception exception)
            {
                logger.LogError(exception, "The campaign coordinator failed; retrying");
            }
            try { await signal.WaitAsync(TimeSpan.FromMilliseconds(_options.PollMilliseconds), stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
        foreach (var session in board.Sessions) await EndSessionAsync(session, CancellationToken.None);
        await sending;
    }

    /// <summary>One coordination round; public so the cron endpoint and tests can drive it.</summary>
    public async Task CoordinateAsync(CancellationToken cancellationToken)
    {
        await _coordinating.WaitAsync(cancellationToken);
        try { await CoordinateOnceAsync(cancellationToken); }
        finally { _coordinating.Release(); }
    }

    private async Task CoordinateOnceAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var active = await db.Campaigns.AsNoTracking()
            .Where(c => c.State == CampaignState.Pending || c.State == CampaignState.Running)
            .OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.State, c.Generation })
            .ToListAsync(cancellationToken);

        var running = active.Count(c => c.State == CampaignState.Running);
        foreach (var pending in active.Where(c => c.State == CampaignState.Pending))
        {
            if (_options.MaxParallelCampaigns > 0 && running >= _options.MaxParallelCampaigns) break;
            reserve.TryHold(); // given up when a disk filled; taken again once there is room
            if (!await transitions.StartAsync(pending.Id, pending.Generation, cancellationToken))
                continue;
            running++;
            logger.LogInformation("Campaign {CampaignId} started", pending.Id);
        }

        await WritePausesAsync(cancellationToken);

        // Sessions whose campaign is no longer running (paused, stopped, finished elsewhere). A session
        // halted for a reason stays until its pause is written, so a fresh one cannot replace it.
        var stillRunning = await db.Campaigns.AsNoTracking()
            .Where(c => c.State == CampaignState.Running)
            .Select(c => new { c.Id, c.Generation, c.TransportId })
            .ToListAsync(cancellationToken);
        foreach (var session in board.Sessions)
            if ((session.IsHalted && session.PendingPause is null) ||
                !stillRunning.Any(c => c.Id == session.CampaignId && c.Generation == session.Generation))
                await EndSessionAsync(session, cancellationToken);
        await RefreshTransportsAsync(db, stillRunning.Select(c => c.TransportId).Distinct().ToList(), cancellationToken);

        foreach (var campaign in stillRunning)
        {
            var session = board.Find(campaign.Id);
            if (session is null)
            {
                await StartSessionAsync(campaign.Id, cancellationToken);
                continue;
            }
            if (session.Enqueuing is { IsFaulted: true } failed)
            {
                logger.LogError(failed.Exception, "Enqueueing campaign {CampaignId} failed; restarting it", campaign.Id);
                session.Enqueuing = EnqueueAsync(session, session.Halted);
            }
            if (session.EnqueueFinished && session.Outstanding == 0 &&
                await transitions.FinishAsync(session.CampaignId, session.Generation, cancellationToken))
            {
                await EndSessionAsync(session, cancellationToken);
                logger.LogInformation("Campaign {CampaignId} finished", session.CampaignId);
            }
        }
    }

    /// <summary>
    /// Writes the pauses sessions asked for (send errors, a transport or storage failure) once the
    /// messages they had started are recorded, so a paused campaign's counters show what caused it.
    /// One the database refuses is tried again next round; on a full disk the storage reserve makes room.
    /// </summary>
    private async Task WritePausesAsync(CancellationToken cancellationToken)
    {
        foreach (var session in board.Sessions)
        {
            if (session.PendingPause is not { } reason || session.Unsettled > 0) continue;
            try
            {
                await autoPause.PauseAsync(session, reason, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                if (StorageFailure.IsOutOfSpace(exception)) reserve.Release();
                logger.LogError(exception, "Pausing campaign {CampaignId} failed; trying again", session.CampaignId);
            }
        }
    }

    /// <summary>
    /// An edited transport takes effect for running campaigns: the registry builds its new version
    /// (the old one closes once its messages settle) and the prefetch follows the new rate.
    /// </summary>
    private async Task RefreshTransportsAsync(TritonDbContext db, List<int> transportIds, CancellationToken cancellationToken)
    {
        if (transportIds.Count == 0) return;
        var rows = await db.Transports.AsNoTracking().Where(t => transportIds.Contains(t.Id)).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            try
            {
                transports.For(row);
            }
            catch (Exception exception)
            {
                logger.LogError(exception, "Transport {TransportId} could not be rebuilt after an edit", row.Id);
                continue;
            }
            foreach (var session in board.Sessions.Where(s => s.TransportId == row.Id)) session.RatePerSecond = row.RatePerSecond;
        }
    }

    private async Task StartSessionAsync(int campaignId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is null || campaign.State != CampaignState.Running) return;
        var transport = await db.Transports.AsNoTracking().FirstAsync(t => t.Id == campaign.TransportId, cancellationToken);

        var runId = await runs.CurrentOrStartAsync(campaign.Id, campaign.Generation, cancellationToken);
        MessageComposer composer;
        IMailTransport mailTransport;
        UnsubscribeLinks unsubscribeLinks;
        ReturnPathSigner? returnPathSigner;
        try
        {
            composer = await MessageComposer.CreateAsync(templates, compiler, db, campaign, null, cancellationToken, tracking);
            mailTransport = transports.For(transport);
            // The signing keys are loaded here, once per run: workers sign without touching the database.
            unsubscribeLinks = await unsubscribes.ForRunAsync(cancellationToken);
            returnPathSigner = await returnPaths.ForRunAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            var reason = "The campaign cannot start: " + exception.Message;
            await transitions.MoveAsync(campaign.Id, [CampaignState.Running], CampaignState.Paused, reason, cancellationToken,
                campaign.Generation, RunOutcome.AutoPaused);
            return;
        }

        await deliveries.InitializeGenerationAsync(campaign.Id, campaign.Generation, campaign.ListId, cancellationToken);
        var session = new CampaignSession(campaign.Id, campaign.Generation, runId, campaign.ListId, campaign.Concurrency,
            composer, campaign.SubjectMode, mailTransport, transport.Id)
        {
            RatePerSecond = transport.RatePerSecond,
            TrackingCategoryId = campaign.TrackingCategoryId,
            Unsubscribe = unsubscribeLinks,
            ReturnPaths = returnPathSigner,
        };
        session.Enqueuing = EnqueueAsync(session, session.Halted);
        board.Add(session);
    }

    /// <summary>The enqueue phase: recipient batches become jobs while the send phase already runs.</summary>
    private async Task EnqueueAsync(CampaignSession session, CancellationToken halted)
    {
        await Task.Yield();
        while (!halted.IsCancellationRequested)
        {
            var step = await deliveries.EnqueueBatchAsync(session.CampaignId, session.Generation, session.ListId, _options.EnqueueBatchSize, halted);
            if (step.Inserted > 0)
            {
                progress.MarkChanged(session.CampaignId);
                board.Signal();
            }
            if (step.Done) return;
        }
        halted.ThrowIfCancellationRequested();
    }

    /// <summary>Halts a session and gives back its prefetched leases; messages in flight settle through the writer.</summary>
    private async Task EndSessionAsync(CampaignSession session, CancellationToken cancellationToken)
    {
        session.Halt();
        board.Remove(session);
        await pipeline.GiveBackAsync(session, cancellationToken);
        progress.MarkChanged(session.CampaignId);
    }

    public override void Dispose()
    {
        _coordinating.Dispose();
        base.Dispose();
    }
}
