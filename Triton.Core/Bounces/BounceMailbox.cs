using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Search;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Bounces;

/// <summary>
/// Polls the bounce mailbox every Bounces:PollSeconds and applies what it finds. Over IMAP a handled
/// message gets \Seen, \Flagged and the keyword $TritonProcessed, and only messages without that
/// keyword are read, so nothing is applied twice and the mailbox keeps its history; over POP3 (no
/// flags) a handled message is deleted. The last poll, its error and the counts are stored for the
/// health panel. Several instances may poll the same mailbox: applying a bounce twice changes nothing
/// more (a delivery moves Sent to Bounced once, a suppression is added once).
/// </summary>
public sealed class BounceMailbox(
    BounceHandler handler,
    IDbContextFactory<TritonDbContext> contexts,
    IOptions<BounceOptions> options,
    TimeProvider time,
    ILogger<BounceMailbox> logger) : BackgroundService
{
    public const int StateId = 1;
    public const string ProcessedKeyword = "$TritonProcessed";
    private readonly BounceOptions _options = options.Value;
    private readonly SemaphoreSlim _polling = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled) return;
        logger.LogInformation("Polling the bounce mailbox {Mailbox} every {Seconds} s", _options.ToString(), _options.PollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await PollAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            try { await Task.Delay(TimeSpan.FromSeconds(Math.Max(5, _options.PollSeconds)), time, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>One poll: reads and applies every new message, then stores the outcome (or the error). Public for tests and tools.</summary>
    public async Task<BounceTally> PollAsync(CancellationToken cancellationToken)
    {
        await _polling.WaitAsync(cancellationToken);
        var tally = new BounceTally();
        string? error = null;
        try
        {
            if (_options.Protocol == MailboxProtocol.Pop3) await PollPop3Async(tally, cancellationToken);
            else await PollImapAsync(tally, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The message says what failed (connect, login, a command); the password is in neither it nor the options' text.
            error = exception.Message;
            logger.LogWarning("Polling the bounce mailbox {Mailbox} failed: {Error}", _options.ToString(), exception.Message);
        }
        finally
        {
            _polling.Release();
        }
        await SaveAsync(tally, error, cancellationToken);
        return tally;
    }

    private async Task PollImapAsync(BounceTally tally, CancellationToken cancellationToken)
    {
        using var client = new ImapClient();
        if (_options.AcceptSelfSignedCertificate) client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        await client.ConnectAsync(_options.Host!, Port(993, 143), Security(), cancellationToken);
        await client.AuthenticateAsync(_options.Username ?? "", _options.Password ?? "", cancellationToken);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        var uids = await inbox.SearchAsync(SearchQuery.NotKeyword(ProcessedKeyword).And(SearchQuery.NotDeleted), cancellationToken);
        foreach (var uid in uids)
        {
            var message = await inbox.GetMessageAsync(uid, cancellationToken);
            tally.Add(await ApplyAsync(message, cancellationToken));
            // Marked as soon as it is applied: a poll cut short later repeats nothing before it.
            await inbox.StoreAsync(uid, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Seen | MessageFlags.Flagged, [ProcessedKeyword])
            {
                Silent = true,
            }, cancellationToken);
        }
        await client.DisconnectAsync(true, cancellationToken);
    }

    private async Task PollPop3Async(BounceTally tally, CancellationToken cancellationToken)
    {
        using var client = new Pop3Client();
        if (_options.AcceptSelfSignedCertificate) client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        await client.ConnectAsync(_options.Host!, Port(995, 110), Security(), cancellationToken);
        await client.AuthenticateAsync(_options.Username ?? "", _options.Password ?? "", cancellationToken);
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

    private int Port(int implicitTls, int plain) =>
        _options.Port > 0 ? _options.Port : _options.Security == MailboxSecurity.Tls ? implicitTls : plain;

    private SecureSocketOptions Security() => _options.Security switch
    {
        MailboxSecurity.None => SecureSocketOptions.None,
        MailboxSecurity.StartTls => SecureSocketOptions.StartTls,
        MailboxSecurity.Tls => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };

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
