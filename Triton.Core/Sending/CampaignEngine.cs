using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Templates;

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
    IMailTransportFactory transports,
    TemplateCompiler compiler,
    TemplateCache templates,
    EngineIdentity identity,
    IOptions<SendingOptions> options,
    ILogger<CampaignEngine> logger) : BackgroundService
{
    private readonly SendingOptions _options = options.Value;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _coordinating = new(1, 1);

    /// <summary>Look now instead of at the next poll (a command changed a campaign).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

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
            try { await _wake.WaitAsync(TimeSpan.FromMilliseconds(_options.PollMilliseconds), stoppingToken); }
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
            if (!await transitions.MoveAsync(pending.Id, [CampaignState.Pending], CampaignState.Running, null, cancellationToken, pending.Generation))
                continue;
            running++;
            await runs.StartAsync(pending.Id, pending.Generation, cancellationToken);
            progress.MarkChanged(pending.Id);
            logger.LogInformation("Campaign {CampaignId} started", pending.Id);
        }

        // Sessions whose campaign is no longer running (paused, stopped, finished elsewhere). A session
        // halted by its own errors stays until its pause is written, so a fresh one cannot replace it.
        var stillRunning = await db.Campaigns.AsNoTracking()
            .Where(c => c.State == CampaignState.Running)
            .Select(c => new { c.Id, c.Generation })
            .ToListAsync(cancellationToken);
        foreach (var session in board.Sessions)
            if ((session.IsHalted && !session.AwaitingPause) ||
                !stillRunning.Any(c => c.Id == session.CampaignId && c.Generation == session.Generation))
                await EndSessionAsync(session, cancellationToken);

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
                progress.MarkChanged(session.CampaignId);
                await EndSessionAsync(session, cancellationToken);
                logger.LogInformation("Campaign {CampaignId} finished", session.CampaignId);
            }
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
        try
        {
            composer = await MessageComposer.CreateAsync(templates, compiler, db, campaign, null, cancellationToken);
            mailTransport = transports.Create(transport);
        }
        catch (Exception exception)
        {
            var reason = "The campaign cannot start: " + exception.Message;
            await transitions.MoveAsync(campaign.Id, [CampaignState.Running], CampaignState.Paused, reason, cancellationToken,
                campaign.Generation, RunOutcome.AutoPaused);
            progress.MarkChanged(campaign.Id);
            return;
        }

        await deliveries.InitializeGenerationAsync(campaign.Id, campaign.Generation, campaign.ListId, cancellationToken);
        var session = new CampaignSession(campaign.Id, campaign.Generation, runId, campaign.ListId, campaign.Concurrency,
            composer, campaign.SubjectMode, mailTransport);
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
        var released = session.DrainBuffer();
        try
        {
            await deliveries.ReleaseAsync(released, identity.Owner, cancellationToken);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Releasing leases of campaign {CampaignId} failed; they expire on their own", session.CampaignId);
        }
        progress.MarkChanged(session.CampaignId);
    }

    public override void Dispose()
    {
        _wake.Dispose();
        _coordinating.Dispose();
        base.Dispose();
    }
}
