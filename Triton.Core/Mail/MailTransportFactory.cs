using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Domain;
using Triton.Core.Mail.Mime;
using Triton.Core.Mail.Pickup;

namespace Triton.Core.Mail;

/// <summary>
/// Makes and caches one transport per Transport row, so every campaign on a row shares its pool and rate limit.
/// A changed row (newer UpdatedAt) gets a new transport; the old one is disposed.
/// </summary>
public sealed class MailTransportFactory(
    IOptions<TritonOptions> tritonOptions,
    MimeMessageWriter writer,
    SmtpTransportBuilder smtpBuilder,
    ILogger<MailTransportFactory> logger) : IMailTransportFactory, IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, Entry> _transports = new();
    private readonly Lock _gate = new();

    private sealed record Entry(DateTimeOffset UpdatedAt, IMailTransport Transport);

    public IMailTransport Create(Transport transport)
    {
        if (_transports.TryGetValue(transport.Id, out var cached) && cached.UpdatedAt == transport.UpdatedAt)
            return cached.Transport;
        Entry? replaced = null;
        IMailTransport result;
        lock (_gate)
        {
            if (_transports.TryGetValue(transport.Id, out cached) && cached.UpdatedAt == transport.UpdatedAt)
                return cached.Transport;
            result = Build(transport);
            replaced = cached;
            _transports[transport.Id] = new Entry(transport.UpdatedAt, result);
        }
        if (replaced is not null) _ = DisposeQuietlyAsync(replaced.Transport, transport.Id);
        return result;
    }

    private IMailTransport Build(Transport transport) => transport.Kind switch
    {
        TransportKind.Pickup => new PickupTransport(ResolvePickupDirectory(transport), writer, TransportRateLimiter.For(transport)),
        TransportKind.Smtp => smtpBuilder.Build(transport),
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport.Kind, "Unknown transport kind."),
    };

    /// <summary>The row's pickup folder, inside the data directory (see <see cref="PickupDirectories"/>); throws when it is not.</summary>
    public string ResolvePickupDirectory(Transport transport) => PickupDirectories.Resolve(tritonOptions.Value, transport.PickupDirectory);

    private async Task DisposeQuietlyAsync(IMailTransport transport, int id)
    {
        try
        {
            await transport.DisposeAsync();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Closing the previous transport of row {TransportId} failed", id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var entry in _transports.Values) await DisposeQuietlyAsync(entry.Transport, 0);
        _transports.Clear();
    }
}
