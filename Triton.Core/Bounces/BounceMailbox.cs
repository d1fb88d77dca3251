using MailKit;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MimeKit;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Bounces;

/// <summary>
/// Polls the bounce mailbox every PollSeconds and applies what it finds. The settings are read again for every
/// poll (BounceMailboxSettingsService: an admin's saved ones, else the Bounces section), so a change applies at the
/// next poll without a restart, and a save on this instance starts one at once. Over IMAP a handled message gets
/// \Seen, \Flagged and the keyword $TritonProcessed, and only messages without that keyword are read, so nothing
/// is applied twice and the mailbox keeps its history; over POP3 (no flags) a handled message is deleted. The last
/// poll, its error and the counts are stored for the health panel. Several instances may poll the same mailbox:
/// applying a bounce twice changes nothing more (a delivery moves Sent to Bounced once, a suppression is added once).
/// </summary>
public sealed class BounceMailbox(
    BounceHandler handler,
    IDbContextFactory<TritonDbContext> contexts,
    BounceMailboxSettingsService settings,
    BounceMailboxWakeUp wakeUp,
    TimeProvider time,
    ILogger<BounceMailbox> logger) : BackgroundService
{
    public const int StateId = 1;
    public const string ProcessedKeyword = "$TritonProcessed";

    /// <summary>How long to wait before reading the settings again when they could not be read.</summary>
    private const int UnreadableSettingsSeconds = 60;

    private readonly SemaphoreSlim _polling = new(1, 1);

    // What was last logged as polled, so a change of settings is logged once, not every poll.
    private string? _announced;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int seconds;
            try { seconds = (await PollOnceAsync(stoppingToken)).PollSeconds; }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            try { await wakeUp.WaitAsync(TimeSpan.FromSeconds(Math.Max(5, seconds)), time, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>
    /// One poll with the settings in force: reads and applies every new message, then stores the outcome (or the
    /// error). No mailbox configured: nothing is read or stored. Public for tests and tools.
    /// </summary>
    public async Task<BounceTally> PollAsync(CancellationToken cancellationToken) => (await PollOnceAsync(cancellationToken)).Tally;

    private async Task<(BounceTally Tally, int PollSeconds)> PollOnceAsync(CancellationToken cancellationToken)
    {
        await _polling.WaitAsync(cancellationToken);
        var tally = new BounceTally();
        BounceOptions? options = null;
        string? error = null;
        try
        {
            options = await settings.EffectiveAsync(cancellationToken);
            Announce(options);
            if (options.Enabled)
            {
                if (options.Protocol == MailboxProtocol.Pop3) await PollPop3Async(options, tally, cancellationToken);
                else await PollImapAsync(options, tally, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The message says what failed (connect, login, a command, the saved password); the password is in neither it nor the options' text.
            error = exception.Message;
            logger.LogWarning("Polling the bounce mailbox {Mailbox} failed: {Error}", options?.ToString() ?? "(settings unreadable)", exception.Message);
        }
        finally
        {
            _polling.Release();
        }
        if (options is { Enabled: false }) return (tally, options.PollSeconds);
        await SaveAsync(tally, error, cancellationToken);
        return (tally, options?.PollSeconds ?? UnreadableSettingsSeconds);
    }

    private void Announce(BounceOptions options)
    {
        var polled = options.Enabled ? $"{options} {options.Folder} every {options.PollSeconds} s" : null;
        if (polled == _announced) return;
        _announced = polled;
        if (polled is null) logger.LogInformation("No bounce mailbox is configured: none is polled");
        else logger.LogInformation("Polling the bounce mailbox {Mailbox} every {Seconds} s", $"{options} {options.Folder}", options.PollSeconds);
    }

    private async Task PollImapAsync(BounceOptions options, BounceTally tally, CancellationToken cancellationToken)
    {
        using var client = await MailboxClients.ImapAsync(options, cancellationToken);
        var folder = await MailboxClients.OpenFolderAsync(client, options, FolderAccess.ReadWrite, cancellationToken);
        var uids = await folder.SearchAsync(SearchQuery.NotKeyword(ProcessedKeyword).And(SearchQuery.NotDeleted), cancellationToken);
        foreach (var uid in uids)
        {
            var message = await folder.GetMessageAsync(uid, cancellationToken);
            tally.Add(await ApplyAsync(message, cancellationToken));
            // Marked as soon as it is applied: a poll cut short later repeats nothing before it.
            await folder.StoreAsync(uid, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Seen | MessageFlags.Flagged, [ProcessedKeyword])
            {
                Silent = true,
            }, cancellationToken);
        }
        await client.DisconnectAsync(true, cancellationToken);
    }

    private async Task PollPop3Async(BounceOptions options, BounceTally tally, CancellationToken cancellationToken)
    {
        using var client = await MailboxClients.Pop3Async(options, cancellationToken);
        var count = await client.GetMessageCountAsync(cancellationToken);
        for (var i = 0; i < count; i++)
        {
            var message = await client.GetMessageAsync(i, cancellationToken);
            tally.Add(await ApplyAsync(message, cancellationToken));
            await client.DeleteMessageAsync(i, cancellationToken);
        }
        // QUIT commits the deletions; a connection lost before it leaves them to be applied again (harmless).
        await client.DisconnectAsync(true, cancellationToken);
    }

    private async Task<BounceOutcome> ApplyAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var outcome = await handler.ApplyAsync(message, cancellationToken);
        logger.LogDebug("Bounce mailbox message {MessageId}: {Outcome}", message.MessageId, outcome);
        return outcome;
    }

    private async Task SaveAsync(BounceTally tally, string? error, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var state = await db.BounceMailboxStates.FirstOrDefaultAsync(s => s.Id == StateId, cancellationToken);
            if (state is null) db.BounceMailboxStates.Add(state = new BounceMailboxState { Id = StateId });
            state.LastPollAt = time.GetUtcNow();
            state.LastError = error is { Length: > 1000 } ? error[..1000] : error;
            state.Processed += tally.Processed;
            state.HardBounces += tally.Hard;
            state.SoftBounces += tally.Soft;
            state.Unmatched += tally.Unmatched;
            state.Unsubscribes += tally.Unsubscribed;
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "The bounce mailbox's status could not be stored");
        }
    }

    public override void Dispose()
    {
        _polling.Dispose();
        base.Dispose();
    }
}

/// <summary>What one poll found.</summary>
public sealed class BounceTally
{
    public int Processed { get; private set; }
    public int Hard { get; private set; }
    public int Soft { get; private set; }
    public int Unmatched { get; private set; }
    public int Unsubscribed { get; private set; }

    public void Add(BounceOutcome outcome)
    {
        Processed++;
        switch (outcome)
        {
            case BounceOutcome.Hard: Hard++; break;
            case BounceOutcome.Soft: Soft++; break;
            case BounceOutcome.Unmatched: Unmatched++; break;
            case BounceOutcome.Unsubscribed: Unsubscribed++; break;
        }
    }
}
