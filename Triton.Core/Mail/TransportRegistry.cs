using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Domain;
using Triton.Core.Mail.Mime;
using Triton.Core.Mail.Pickup;

namespace Triton.Core.Mail;

/// <summary>
/// Owns the transport of every Transport row: one shared by all campaigns, test sends and trigger
/// mail on that row, with one rate limiter for the life of the process. Callers get a
/// <see cref="SharedTransport"/>, which cannot be disposed; an edited row (newer UpdatedAt) builds
/// a new version that new messages use at once, and the previous version closes only when the
/// messages it is sending have settled. Nothing but this registry disposes a transport.
/// </summary>
public sealed class TransportRegistry(
    IOptions<TritonOptions> tritonOptions,
    MimeMessageBuilder builder,
    SmtpTransportBuilder smtpBuilder,
    ILogger<TransportRegistry> logger) : IMailTransports, IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, Slot> _slots = new();
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Everything the registry keeps for one row.</summary>
    private sealed class Slot(TransportRateLimiter limiter)
    {
        public TransportRateLimiter Limiter { get; } = limiter;
        public TransportVersion? Current { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }
        public SharedTransport? Shared { get; set; }
    }

    IMailTransport IMailTransports.For(Transport row) => For(row);

    public SharedTransport For(Transport row)
    {
        if (_slots.TryGetValue(row.Id, out var known) && known.Current is not null && known.UpdatedAt == row.UpdatedAt)
            return known.Shared!;
        TransportVersion? retired;
        SharedTransport shared;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var slot = _slots.GetOrAdd(row.Id, _ => new Slot(TransportRateLimiter.For(row)));
            if (slot.Current is not null && slot.UpdatedAt == row.UpdatedAt) return slot.Shared!;
            slot.Limiter.Reconfigure(row.RatePerSecond, row.WindowMessages, row.WindowSeconds);
            var built = new TransportVersion(Build(row, slot.Limiter), logger, row.Id);
            retired = slot.Current;
            slot.Current = built;
            slot.UpdatedAt = row.UpdatedAt;
            shared = slot.Shared ??= new SharedTransport(this, row.Id);
        }
        if (retired is not null)
        {
            logger.LogInformation("Transport {TransportId} changed; new messages use the new settings", row.Id);
            retired.Retire();
        }
        return shared;
    }

    /// <summary>The version new messages of a row go through.</summary>
    internal TransportVersion Current(int transportId) =>
        _slots.TryGetValue(transportId, out var slot) && slot.Current is { } current
            ? current
            : throw new ObjectDisposedException(nameof(TransportRegistry), $"Transport {transportId} is not open in this process.");

    private IMailTransport Build(Transport transport, TransportRateLimiter limiter) => transport.Kind switch
    {
        TransportKind.Pickup => new PickupTransport(ResolvePickupDirectory(transport), builder, smtpBuilder.Signer(transport), limiter),
        TransportKind.Smtp => smtpBuilder.Build(transport, limiter),
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport.Kind, "Unknown transport kind."),
    };

    /// <summary>The row's pickup folder, inside the data directory (see <see cref="PickupDirectories"/>); throws when it is not.</summary>
    public string ResolvePickupDirectory(Transport transport) => PickupDirectories.Resolve(tritonOptions.Value, transport.PickupDirectory);

    public async ValueTask DisposeAsync()
    {
        List<Slot> slots;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            slots = _slots.Values.ToList();
        }
        foreach (var slot in slots)
        {
            if (slot.Current is { } current) await current.RetireAsync();
            await slot.Limiter.DisposeAsync();
        }
    }
}

/// <summary>
/// One build of a row's transport. It counts the messages going through it; once retired (the row
/// changed, or the registry closes) it is disposed when the last of them has settled.
/// </summary>
internal sealed class TransportVersion(IMailTransport transport, ILogger logger, int transportId)
{
    private int _active;
    private int _retired;
    private int _disposed;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IMailTransport Transport { get; } = transport;

    /// <summary>Counts a message in; false once the version is closing (take the row's current version instead).</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref _active);
        if (Volatile.Read(ref _disposed) == 0) return true;
        Exit();
        return false;
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _active) == 0 && Volatile.Read(ref _retired) == 1) _ = CloseAsync();
    }

    public void Retire() => _ = RetireAsync();

    public Task RetireAsync()
    {
        Interlocked.Exchange(ref _retired, 1);
        if (Volatile.Read(ref _active) == 0) _ = CloseAsync();
        return _closed.Task;
    }

    private async Task CloseAsync()
    {
        // Claim the close first: a message entering now sees it and moves to the current version.
        if (Interlocked.CompareExchange(ref _disposed, 1, 0) != 0) return;
        if (Volatile.Read(ref _active) > 0)
        {
            // Someone entered between the count reaching zero and the claim: let them finish.
            Interlocked.Exchange(ref _disposed, 0);
            if (Volatile.Read(ref _active) == 0) _ = CloseAsync();
            return;
        }
        try
        {
            if (Transport is IAsyncDisposable disposable) await disposable.DisposeAsync();
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Closing a previous version of transport {TransportId} failed", transportId);
        }
        finally
        {
            _closed.TrySetResult();
        }
    }
}

/// <summary>
/// What users of a Transport row hold: every send goes through the row's current version, so an
/// edit takes effect without a restart and without anyone disposing what others still use.
/// </summary>
public sealed class SharedTransport : IMailTransport
{
    private readonly TransportRegistry _registry;

    internal SharedTransport(TransportRegistry registry, int transportId)
    {
        _registry = registry;
        TransportId = transportId;
    }

    public int TransportId { get; }

    /// <summary>The transport new messages go through now (for inspection: it belongs to the registry).</summary>
    public IMailTransport Current => _registry.Current(TransportId).Transport;

    public Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        SendUnlessHaltedAsync(message, CancellationToken.None, cancellationToken);

    public async Task<SendResult> SendUnlessHaltedAsync(OutgoingMessage message, CancellationToken halted, CancellationToken cancellationToken)
    {
        while (true)
        {
            var version = _registry.Current(TransportId);
            if (!version.TryEnter()) continue;
            try
            {
                return await version.Transport.SendUnlessHaltedAsync(message, halted, cancellationToken);
            }
            finally
            {
                version.Exit();
            }
        }
    }
}
