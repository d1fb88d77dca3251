using MailKit;

namespace Triton.Core.Bounces;

/// <summary>What a test of bounce mailbox settings found: signed in (and what the mailbox holds), or the server's error.</summary>
public sealed record BounceMailboxConnectionReport(bool Success, string Message);

/// <summary>Connects and authenticates as a poll would (and opens the IMAP folder), reads nothing and changes nothing.</summary>
public sealed class BounceMailboxConnectionTester(TimeProvider time)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async Task<BounceMailboxConnectionReport> TestAsync(BounceOptions options, CancellationToken cancellationToken)
    {
        using var limit = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        var ct = linked.Token;
        try
        {
            if (options.Protocol == MailboxProtocol.Pop3)
            {
                using var pop3 = await MailboxClients.Pop3Async(options, ct);
                var waiting = await pop3.GetMessageCountAsync(ct);
                await pop3.DisconnectAsync(true, ct);
                return new(true, $"Signed in over POP3 as {options.Username}: {waiting} message(s) in the mailbox.");
            }
            using var imap = await MailboxClients.ImapAsync(options, ct);
            var folder = await MailboxClients.OpenFolderAsync(imap, options, FolderAccess.ReadOnly, ct);
            var report = new BounceMailboxConnectionReport(true, $"Signed in over IMAP as {options.Username}: {folder.FullName} holds {folder.Count} message(s).");
            await imap.DisconnectAsync(true, ct);
            return report;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new(false, $"{options.Host} did not answer within {Timeout.TotalSeconds:0} s.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The server's reply (refused login, unknown folder) or the network's; the password is in neither.
            return new(false, exception.Message);
        }
    }
}
