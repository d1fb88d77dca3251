using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Archive;
using Triton.Core.Bounces;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Sending;
using Triton.Core.Suppressions;
using Triton.Core.Templates;
using Triton.Core.Tracking;

namespace Triton.Core.Triggers;

/// <summary>
/// Renders and sends one transactional message through its trigger's shared transport (the same
/// throttle and connections as campaigns on it) and records what became of it, with the retries and
/// backoff of campaign deliveries. The result is recorded by the <see cref="MessageResultWriter"/> with
/// the others of the same moment; the attempt ends once it is committed.
/// </summary>
public sealed class TransactionalAttempt(
    IDbContextFactory<TritonDbContext> contexts,
    TemplateCache templates,
    TemplateCompiler compiler,
    IMailTransports transports,
    MessageArchive archive,
    TrackingLinks tracking,
    Unsubscribes unsubscribes,
    ReturnPaths returnPaths,
    MessageResultWriter results,
    TimeProvider time,
    IOptions<SendingOptions> options,
    ILogger<TransactionalAttempt> logger)
{
    private static readonly string[] Reserved = ["email", "user_id", "tracking_category_id", "tracking_category_name", "dc_name"];

    // Compiled once per instance (these run for every message); a compiled query serves one model only.
    private readonly Func<TritonDbContext, int, CancellationToken, Task<Trigger>> _triggerById =
        EF.CompileAsyncQuery((TritonDbContext db, int id, CancellationToken _) => db.Triggers.AsNoTracking().First(t => t.Id == id));

    private readonly Func<TritonDbContext, int, CancellationToken, Task<Transport>> _transportById =
        EF.CompileAsyncQuery((TritonDbContext db, int id, CancellationToken _) => db.Transports.AsNoTracking().First(t => t.Id == id));

    private readonly Func<TritonDbContext, string, CancellationToken, Task<SuppressionMark?>> _suppressionByEmail =
        EF.CompileAsyncQuery((TritonDbContext db, string email, CancellationToken _) =>
            db.Suppressions.AsNoTracking().Where(s => s.Email == email).Select(s => new SuppressionMark(s.Reason, s.Source)).FirstOrDefault());

    private sealed record SuppressionMark(SuppressionReason Reason, string Source);
    private readonly SendingOptions _options = options.Value;
    private readonly ConcurrentDictionary<int, (DateTimeOffset UpdatedAt, MessageComposer Composer)> _composers = new();

    // The signing keys, loaded on the first message and kept: never a database read per message.
    private UnsubscribeLinks? _unsubscribeLinks;
    private ReturnPathSigner? _returnPaths;
    private bool _signersLoaded;

    /// <summary>The status recorded (Queued again when it will be retried), or null when the message was left to its lease.</summary>
    public async Task<MessageStatus?> ExecuteAsync(ClaimedMessage message, CancellationToken cancellationToken)
    {
        var result = await AttemptAsync(message, cancellationToken);
        if (result is null) return null;
        await results.RecordAsync(result, cancellationToken);
        return result.Status;
    }

    private async Task<MessageResult?> AttemptAsync(ClaimedMessage message, CancellationToken cancellationToken)
    {
        // Another process may own a message whose lease lapsed: sending it here could send it twice.
        if (message.LeaseUntil - time.GetUtcNow().ToUnixTimeMilliseconds() < _options.LeaseMarginMilliseconds) return null;

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // One connection for the look-ups below: EF would otherwise take one from the pool and give it back for each query.
        await db.Database.OpenConnectionAsync(cancellationToken);
        var trigger = await _triggerById(db, message.TriggerId, cancellationToken);
        var transportRow = await _transportById(db, trigger.TransportId, cancellationToken);
        var attempts = message.Attempts + 1;
        if (await SuppressedAsync(db, trigger, message.Email, cancellationToken) is { } suppressed)
            return new MessageResult(message, MessageStatus.Suppressed, message.Attempts, suppressed, null, 0, false);
        if (!_signersLoaded)
        {
            _unsubscribeLinks = await unsubscribes.ForRunAsync(cancellationToken);
            _returnPaths = await returnPaths.ForRunAsync(cancellationToken);
            _signersLoaded = true;
        }
        OutgoingMessage outgoing;
        try
        {
            var composer = await ComposerAsync(db, trigger, cancellationToken);
            // Transactional mail carries no List-Unsubscribe (it is not a newsletter); {{unsubscribeUrl}} still works.
            var envelope = new MessageEnvelope(_unsubscribeLinks?.ForTrigger(trigger.Id, message.Email), null,
                _returnPaths?.ForMessage(message.Id), ListUnsubscribeHeaders: false);
            outgoing = composer.Compose(message.Email, message.UserId, message.Fields, composer.SubjectPicker().Pick(null), extra: Extra(message),
                trackingReference: message.Id, envelope: envelope);
        }
        catch (Exception exception) when (exception is TemplateCompileException or TemplateRenderException)
        {
            return new MessageResult(message, MessageStatus.Failed, attempts, "Template error: " + exception.Message, null, 0, false);
        }

        await db.Database.CloseConnectionAsync(); // not held through the send

        SendResult sent;
        try
        {
            sent = await transports.For(transportRow).SendAsync(outgoing, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Transport failed for message {MessageId}", message.MessageId);
            sent = new SendResult(SendOutcome.Transient, exception.Message);
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return (sent.Outcome switch
        {
            SendOutcome.Accepted => await ArchiveAsync(new MessageResult(message, MessageStatus.Sent, attempts, sent.Reply, sent.Code, 0, true), message, sent,
                outgoing.Subject, cancellationToken),
            SendOutcome.Bounced => new MessageResult(message, MessageStatus.Bounced, attempts, sent.Reply, sent.Code, 0, false),
            SendOutcome.Rejected => new MessageResult(message, MessageStatus.Failed, attempts, sent.Reply, sent.Code, 0, false),
            SendOutcome.Transient when attempts >= _options.MaxAttempts => new MessageResult(message, MessageStatus.Failed, attempts, sent.Reply, sent.Code, 0, false),
            SendOutcome.Transient => new MessageResult(message, MessageStatus.Queued, attempts, sent.Reply, sent.Code, now + _options.RetryDelayMilliseconds(attempts), false),
            SendOutcome.Deferred => new MessageResult(message, MessageStatus.Queued, message.Attempts, sent.Reply, sent.Code, now + 1000, false),
            // The transport (or Triton's own folder) cannot work: nobody's attempt is spent; it waits for the fix.
            _ => new MessageResult(message, MessageStatus.Queued, message.Attempts, sent.Reply, sent.Code, now + 30_000, false),
        }) with { TrackingCategoryId = trigger.TrackingCategoryId };
    }

    /// <summary>
    /// Keeps the sent message in the archive when Archive:Triggers is on. The message went out, so it is
    /// recorded as sent whatever happens here; a refused file is said in the message's reply and logged.
    /// </summary>
    private async Task<MessageResult> ArchiveAsync(MessageResult outcome, ClaimedMessage message, SendResult sent, string subject, CancellationToken cancellationToken)
    {
        if (!archive.Triggers || sent.Prepared is not { } prepared) return outcome;
        try
        {
            return outcome with { Archived = await archive.WriteAsync(prepared, subject, cancellationToken) };
        }
        catch (ArchiveWriteException exception)
        {
            logger.LogError(exception, "Archiving message {MessageId} failed", message.MessageId);
            return outcome with { Reply = $"{outcome.Reply} (not archived: {exception.Message})" };
        }
    }

    /// <summary>
    /// Why this message must not go out, or null: a hard-bounced address is never mailed again; other
    /// suppressions (unsubscribes, complaints, manual entries) stop it only when the trigger honours them.
    /// One indexed look-up per message: transactional mail goes out one message at a time anyway.
    /// </summary>
    private async Task<string?> SuppressedAsync(TritonDbContext db, Trigger trigger, string email, CancellationToken cancellationToken)
    {
        var key = Lists.EmailAddresses.Key(email);
        var row = await _suppressionByEmail(db, key, cancellationToken);
        if (row is null || (row.Reason != SuppressionReason.HardBounce && !trigger.HonorSuppressions)) return null;
        return $"Suppressed: {EnumNames.Name(row.Reason)} ({row.Source})";
    }

    /// <summary>The event's name and variables over the trigger's variables; the recipient's own fields stay as they are.</summary>
    private static Dictionary<string, object?> Extra(ClaimedMessage message)
    {
        var extra = new Dictionary<string, object?>(StringComparer.Ordinal) { ["dc_name"] = message.EventName };
        using var variables = JsonDocument.Parse(message.Variables);
        foreach (var property in variables.RootElement.EnumerateObject())
            if (!Reserved.Contains(property.Name)) extra[property.Name] = JsonValues.ToPlain(property.Value);
        return extra;
    }

    private async Task<MessageComposer> ComposerAsync(TritonDbContext db, Trigger trigger, CancellationToken cancellationToken)
    {
        if (_composers.TryGetValue(trigger.Id, out var cached) && cached.UpdatedAt == trigger.UpdatedAt) return cached.Composer;
        var composer = await MessageComposer.CreateAsync(templates, compiler, db, MessageSource.Of(trigger), null, cancellationToken, tracking);
        _composers[trigger.Id] = (trigger.UpdatedAt, composer);
        return composer;
    }
}
