using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Archive;
using Triton.Core.Domain;
using Triton.Core.Lists;
using Triton.Core.Mail;
using Triton.Core.Templates;

namespace Triton.Core.Sending;

/// <summary>
/// Renders and sends one claimed job and says what became of it: the one place that maps a
/// transport's outcome to a delivery status, retries and backoff. Workers and the cron endpoint
/// both use it.
/// </summary>
public sealed class DeliveryAttempt(IOptions<SendingOptions> options, MessageArchive archive, TimeProvider time, ILogger<DeliveryAttempt> logger)
{
    private readonly SendingOptions _options = options.Value;

    public async Task<DeliveryResult> ExecuteAsync(CampaignSession session, ClaimedDelivery job, CancellationToken cancellationToken)
    {
        var result = await AttemptAsync(session, job, cancellationToken);
        // Counted here, not when recorded, so the campaign halts within its concurrency of the limit.
        if (result.IsError && session.AddErrors(1) is var errors && errors >= _options.MaxSendErrors && _options.MaxSendErrors > 0)
            session.HaltFor($"Paused after {errors} send errors (Sending:MaxSendErrors is {_options.MaxSendErrors}).");
        // A transport or storage failure stops the whole campaign at once: every other message would meet it too.
        if (result.PauseReason is { } reason) session.HaltFor(reason);
        return result;
    }

    private async Task<DeliveryResult> AttemptAsync(CampaignSession session, ClaimedDelivery job, CancellationToken cancellationToken)
    {
        if (LeaseLapsed(job))
            return Result(session, job, DeliveryStatus.Queued, job.Attempts, "Not sent: this process no longer held the job's lease.", null, 0, null, false);

        // Not sent on purpose: counted Skipped, never an error (docs/SENDING.md lists the reasons).
        if (job.SkipReason is { } skip)
            return Result(session, job, DeliveryStatus.Skipped, job.Attempts, skip, null, 0, null, false);
        if (!EmailAddresses.IsValid(job.Email.Trim()))
            return Result(session, job, DeliveryStatus.Skipped, job.Attempts, "Invalid address", null, 0, null, false);

        var subjectIndex = session.Subjects.Pick(job.PreviousSubjectIndex);
        OutgoingMessage message;
        try
        {
            var envelope = MessageEnvelope.ForCampaignDelivery(session.Unsubscribe, session.ReturnPaths, session.CampaignId, job.Id, job.Email);
            message = session.Composer.Compose(job.Email, job.UserId, job.Fields, subjectIndex, trackingReference: job.Id, envelope: envelope);
        }
        catch (Exception exception)
        {
            // One recipient's data broke the template: fail that delivery, the campaign goes on.
            return Result(session, job, DeliveryStatus.Failed, job.Attempts + 1, "Template error: " + exception.Message, null, 0, null, isError: true);
        }

        SendResult sent;
        try
        {
            sent = await session.Transport.SendUnlessHaltedAsync(message, session.Halted, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (session.IsHalted)
        {
            // Paused or stopped while waiting for its turn: it never started, so it goes back as it was.
            return Result(session, job, DeliveryStatus.Queued, job.Attempts, "Not sent yet: the campaign was halted before its turn.", null, 0, null, false);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Transport failed for delivery {DeliveryId}", job.Id);
            sent = new SendResult(SendOutcome.Transient, exception.Message);
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var attempts = job.Attempts + 1;
        return sent.Outcome switch
        {
            SendOutcome.Accepted => await ArchiveAsync(Result(session, job, DeliveryStatus.Sent, attempts, sent.Reply, sent.Code, 0, subjectIndex, false),
                sent, message.Subject, cancellationToken),
            SendOutcome.Bounced => Result(session, job, DeliveryStatus.Bounced, attempts, sent.Reply, sent.Code, 0, null, false),
            SendOutcome.Rejected => Result(session, job, DeliveryStatus.Failed, attempts, sent.Reply, sent.Code, 0, null, true),
            SendOutcome.Transient when attempts >= _options.MaxAttempts =>
                Result(session, job, DeliveryStatus.Failed, attempts, sent.Reply, sent.Code, 0, null, true),
            SendOutcome.Transient =>
                Result(session, job, DeliveryStatus.Queued, attempts, sent.Reply, sent.Code, now + _options.RetryDelayMilliseconds(attempts), null, false),
            // Throttled by the server: back in the queue without spending an attempt.
            SendOutcome.Deferred => Result(session, job, DeliveryStatus.Queued, job.Attempts, sent.Reply, sent.Code, now + 1000, null, false),
            _ => Result(session, job, DeliveryStatus.Queued, job.Attempts, sent.Reply, sent.Code, 0, null, false,
                pauseReason: "The transport failed: " + sent.Reply),
        };
    }

    /// <summary>
    /// Keeps the sent message in the archive when Archive:Campaigns is on. The message went out, so it is
    /// recorded as sent whatever happens here; an archive directory that refuses the file pauses the
    /// campaign with the reason instead of sending on without copies.
    /// </summary>
    private async Task<DeliveryResult> ArchiveAsync(DeliveryResult result, SendResult sent, string subject, CancellationToken cancellationToken)
    {
        if (!archive.Campaigns || sent.Prepared is not { } prepared) return result;
        try
        {
            return result with { Archived = await archive.WriteAsync(prepared, subject, cancellationToken) };
        }
        catch (ArchiveWriteException exception)
        {
            logger.LogError(exception, "Archiving delivery {DeliveryId} failed", result.DeliveryId);
            return result with { PauseReason = "The archive cannot be written: " + exception.Message };
        }
    }

    /// <summary>
    /// Another process may own a job whose lease lapsed (renewals kept failing) or was taken over:
    /// sending it here could send it twice. The margin covers the time to hand the message over.
    /// </summary>
    private bool LeaseLapsed(ClaimedDelivery job) =>
        job.LeaseLost || job.LeaseUntil - time.GetUtcNow().ToUnixTimeMilliseconds() < _options.LeaseMarginMilliseconds;

    private static DeliveryResult Result(CampaignSession session, ClaimedDelivery job, DeliveryStatus status, int attempts, string? reply, int? code,
        long notBefore, int? subjectIndex, bool isError, string? pauseReason = null) =>
        new(job.Id, session.CampaignId, session.Generation, session.RunId, status, attempts, reply, code, notBefore, subjectIndex, isError, pauseReason,
            UserId: job.UserId, TrackingCategoryId: session.TrackingCategoryId, Email: job.Email);
}
