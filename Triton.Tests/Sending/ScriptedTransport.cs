using System.Collections.Concurrent;
using Triton.Core.Domain;
using Triton.Core.Mail;

namespace Triton.Tests.Sending;

/// <summary>
/// A fault-injecting transport: the recipient's local part says what happens to it
/// ("transient2" fails transiently twice then succeeds, "bounce" bounces, "reject" is refused,
/// "authfail" fails the transport). Accepted messages are kept for inspection.
/// </summary>
public sealed class ScriptedTransport(TimeSpan delay = default) : IMailTransport, IAsyncDisposable
{
    private int _disposed;

    private readonly ConcurrentDictionary<string, int> _attempts = new();

    public ConcurrentQueue<OutgoingMessage> Accepted { get; } = new();

    /// <summary>When set, every message is refused this way (to turn faults on and off mid-test).</summary>
    public SendOutcome? ForceOutcome { get; set; }

    public int AttemptsFor(string address) => _attempts.GetValueOrDefault(address);

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        // As a real transport would: a closed one cannot send (a fake that shrugged this off once hid a real bug).
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, cancellationToken);
        var address = message.To.Address;
        var attempt = _attempts.AddOrUpdate(address, 1, (_, n) => n + 1);
        if (ForceOutcome is { } forced) return new SendResult(forced, "550 5.7.1 forced by the test", 550);
        var local = address[..address.IndexOf('@')];
        if (local.StartsWith("transient", StringComparison.Ordinal) && attempt <= int.Parse(local["transient".Length..].Split('-')[0]))
            return new SendResult(SendOutcome.Transient, "451 4.3.0 try again later", 451);
        if (local.StartsWith("bounce", StringComparison.Ordinal)) return new SendResult(SendOutcome.Bounced, "550 5.1.1 no such user", 550);
        if (local.StartsWith("reject", StringComparison.Ordinal)) return new SendResult(SendOutcome.Rejected, "554 5.6.0 message refused", 554);
        if (local.StartsWith("authfail", StringComparison.Ordinal)) return new SendResult(SendOutcome.TransportFailure, "535 5.7.8 authentication failed", 535);
        Accepted.Enqueue(message);
        return SendResult.Accepted("250 2.0.0 queued", 250);
    }

    /// <summary>Only its owner (the test) may close it; a second close is a bug in whoever did it.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) throw new ObjectDisposedException(nameof(ScriptedTransport), "Disposed twice.");
        return ValueTask.CompletedTask;
    }
}

/// <summary>Hands every Transport row the same scripted transport.</summary>
public sealed class ScriptedTransports(ScriptedTransport transport) : IMailTransports
{
    public IMailTransport For(Transport row) => transport;
}
