namespace Triton.Core.Mail;

/// <summary>How a send ended, in the terms the engine acts on.</summary>
public enum SendOutcome
{
    /// <summary>The server took the message.</summary>
    Accepted,

    /// <summary>Worth another attempt later (4xx, timeout, dropped connection): counts an attempt.</summary>
    Transient,

    /// <summary>The server asked us to slow down (421, 450, 451, 4.7.x): requeue, no attempt counted.</summary>
    Deferred,

    /// <summary>Permanent for this recipient (5xx on RCPT): the address bounced.</summary>
    Bounced,

    /// <summary>Permanent for this message (5xx on MAIL or DATA): fail it.</summary>
    Rejected,

    /// <summary>The transport itself cannot work (authentication refused, misconfigured): pause the campaign.</summary>
    TransportFailure,
}

/// <param name="Reply">The server's reply or the error, as a person would want to read it.</param>
/// <param name="Code">The SMTP reply code when there was one.</param>
public readonly record struct SendResult(SendOutcome Outcome, string? Reply, int? Code = null)
{
    /// <summary>The message as built and sent, on an accepted send: what the archive keeps, byte for byte.</summary>
    public Mime.PreparedMessage? Prepared { get; init; }

    public static SendResult Accepted(string? reply = null, int? code = null) => new(SendOutcome.Accepted, reply, code);
}

/// <summary>
/// Sends one message. Implementations are shared by every worker and must be thread-safe. Users of a
/// transport never dispose it: the registry that built it does (see <see cref="TransportRegistry"/>).
/// </summary>
public interface IMailTransport
{
    Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Sends unless <paramref name="halted"/> fires while the message still waits for its turn (a
    /// connection, a rate permit): then it throws <see cref="OperationCanceledException"/> and nothing
    /// went out. Once the message is handed over, only <paramref name="cancellationToken"/> stops it.
    /// This is what makes a pause instant on a throttled transport.
    /// </summary>
    Task<SendResult> SendUnlessHaltedAsync(OutgoingMessage message, CancellationToken halted, CancellationToken cancellationToken)
    {
        halted.ThrowIfCancellationRequested();
        return SendAsync(message, cancellationToken);
    }
}

/// <summary>The shared transport of each configured Transport row (pickup, smtp).</summary>
public interface IMailTransports
{
    /// <summary>The row's transport, shared with every other user of the row; rebuilt when the row changed.</summary>
    IMailTransport For(Domain.Transport transport);
}

/// <summary>Encrypts secrets at rest (SMTP passwords); the host provides the key ring.</summary>
public interface ISecretProtector
{
    string Protect(string plaintext);
    string Unprotect(string protectedText);
}
