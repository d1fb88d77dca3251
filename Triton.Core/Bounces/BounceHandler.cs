using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Suppressions;
using static Triton.Core.Data.StoreExecutor;
using static Triton.Core.Sending.SqlDialect;

namespace Triton.Core.Bounces;

public enum BounceOutcome { NotABounce, Hard, Soft, Unmatched, Unsubscribed }

/// <summary>
/// Applies one message from the bounce mailbox. A hard bounce marks its campaign delivery (or
/// transactional message) Bounced and suppresses the address; a delivery already counted Sent moves
/// Sent to Bounced in the campaign's counters in the same transaction, so Sent + Skipped + Failed +
/// Bounced stays equal to Plan. A soft bounce changes no status (the server may still deliver); it is
/// counted. A message to a List-Unsubscribe mailto address unsubscribes its recipient.
/// </summary>
public sealed class BounceHandler(
    ReturnPaths returnPaths,
    Unsubscribes unsubscribes,
    SuppressionService suppressions,
    StoreExecutor store,
    IDbContextFactory<TritonDbContext> contexts,
    IOptions<ReturnPathOptions> options,
    TimeProvider time,
    ILogger<BounceHandler> logger)
{
    public const string Source = "bounce mailbox";

    public async Task<BounceOutcome> ApplyAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        if (!options.Value.TrySplit(out var local, out var domain)) local = domain = "\0";
        var report = BounceParser.Parse(message, local, domain);
        if (report is null) return await UnsubscribeAsync(message, local, domain, cancellationToken);

        BounceTarget? target = null;
        foreach (var token in report.Tokens)
            if ((target = await returnPaths.OpenAsync($"{local}+{token}@{domain}", cancellationToken)) is not null) break;

        if (report.Kind == BounceKind.Soft)
        {
            logger.LogInformation("Soft bounce for {Recipient} ({Status})", report.Recipient, report.Status);
            return BounceOutcome.Soft;
        }
        var reply = Limit($"Bounced later: {report.Status} {report.Diagnostic}".Trim());
        var email = target switch
        {
            { Subject: BounceSubject.Delivery } t => await BounceDeliveryAsync(t.Id, reply, cancellationToken),
            { Subject: BounceSubject.Message } t => await BounceMessageAsync(t.Id, reply, cancellationToken),
            _ => null,
        };
        // Without a token (or for a row since deleted) the report's recipient is still suppressed:
        // Triton keeps no Message-ID per delivery to find it by.
        email ??= report.Recipient;
        if (email is null) return BounceOutcome.Unmatched;
        await suppressions.SuppressAsync([(email, SuppressionReason.HardBounce)], Source, cancellationToken);
        return target is null ? BounceOutcome.Unmatched : BounceOutcome.Hard;
    }

    /// <summary>Marks a delivery Bounced; a Sent one moves Sent to Bounced in its generation's counters. Answers its address.</summary>
    private Task<string?> BounceDeliveryAsync(long id, string reply, CancellationToken cancellationToken) =>
        store.InTransactionAsync(async (connection, transaction, ct) =>
        {
            await using var update = Command(connection, transaction, """
                UPDATE deliveries SET status = 4, last_reply = @reply, updated_at = @now
                WHERE id = @id AND status = 1
                RETURNING email, campaign_id, generation
                """);
            AddParameter(update, "@reply", reply);
            AddParameter(update, "@now", time.GetUtcNow().ToUnixTimeMilliseconds());
            AddParameter(update, "@id", id);
            (string Email, int Campaign, int Generation)? moved = null;
            await using (var reader = await update.ExecuteReaderAsync(ct))
                if (await reader.ReadAsync(ct)) moved = (reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2));
            if (moved is { } row)
            {
                // Only the generation it belongs to: after a Stop the old counters are gone, and the new ones never counted it.
                await using var counters = Command(connection, transaction,
                    "UPDATE campaigns SET sent = sent - 1, bounced = bounced + 1 WHERE id = @campaign AND generation = @generation");
                AddParameter(counters, "@campaign", row.Campaign);
                AddParameter(counters, "@generation", row.Generation);
                await counters.ExecuteNonQueryAsync(ct);
                return row.Email;
            }
            // Already Bounced (the same bounce twice), or never sent: nothing moves; the address is still suppressed.
            await using var find = Command(connection, transaction, "SELECT email FROM deliveries WHERE id = @id");
            AddParameter(find, "@id", id);
            return await find.ExecuteScalarAsync(ct) as string;
        }, cancellationToken);

    private async Task<string?> BounceMessageAsync(long id, string reply, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var email = await db.Messages.Where(m => m.Id == id).Select(m => m.Email).FirstOrDefaultAsync(cancellationToken);
        if (email is null) return null;
        await db.Messages.Where(m => m.Id == id && (m.Status == MessageStatus.Sent || m.Status == MessageStatus.Bounced))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Bounced).SetProperty(m => m.LastReply, reply)
                .SetProperty(m => m.UpdatedAt, time.GetUtcNow()), cancellationToken);
        return email;
    }

    /// <summary>A mail to bounces+{unsubscribe token}@domain (the List-Unsubscribe mailto) unsubscribes that delivery's address.</summary>
    private async Task<BounceOutcome> UnsubscribeAsync(MimeMessage message, string local, string domain, CancellationToken cancellationToken)
    {
        foreach (var address in message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address))
        {
            if (!address.EndsWith("@" + domain, StringComparison.OrdinalIgnoreCase) ||
                !address.StartsWith(local + "+", StringComparison.OrdinalIgnoreCase)) continue;
            if (ReturnPaths.TokenOf(address) is { } token && await unsubscribes.UnsubscribeAsync(token, cancellationToken) is not null)
                return BounceOutcome.Unsubscribed;
        }
        return BounceOutcome.NotABounce;
    }

    private static string Limit(string text) => text.Length <= 1000 ? text : text[..1000];
}
