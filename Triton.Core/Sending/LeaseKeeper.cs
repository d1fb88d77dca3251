using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Data;

namespace Triton.Core.Sending;

/// <summary>
/// Keeps this process's leases alive while their jobs wait in a prefetch, for a rate permit or a
/// connection, or for the result writer: every quarter of Sending:LeaseSeconds it renews all held
/// jobs in batches. A job the renewal no longer finds leased here is marked lost and never sent.
/// If renewals keep failing until the earliest lease is close to lapsing, every running session
/// halts and pauses with the reason: another process could otherwise claim and send what is
/// still waiting here.
/// </summary>
public sealed class LeaseKeeper(
    LeaseBook book,
    JobBoard board,
    DeliveryStore deliveries,
    EngineIdentity identity,
    TimeProvider time,
    IOptions<SendingOptions> options,
    ILogger<LeaseKeeper> logger)
{
    private readonly SendingOptions _options = options.Value;

    private TimeSpan Lease => TimeSpan.FromSeconds(_options.LeaseSeconds);

    /// <summary>How often leases are renewed: a quarter of the lease, so two renewals can fail before one lapses.</summary>
    public TimeSpan Interval => TimeSpan.FromMilliseconds(Math.Max(200, _options.LeaseSeconds * 1000.0 / 4));

    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
                await RenewAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }

    /// <summary>One renewal round; public so tests can drive it.</summary>
    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        var held = book.Snapshot();
        if (held.Count == 0) return;
        var until = time.GetUtcNow().Add(Lease).ToUnixTimeMilliseconds();
        try
        {
            var renewed = await deliveries.RenewAsync(held.Select(j => j.Id).ToList(), identity.Owner, until, cancellationToken);
            foreach (var job in held)
            {
                if (renewed.Contains(job.Id)) job.LeaseUntil = until;
                else job.LeaseLost = true; // recorded meanwhile (harmless) or taken over: never send it
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Renewing {Count} job leases failed", held.Count);
            var earliest = held.Min(j => j.LeaseUntil);
            var left = earliest - time.GetUtcNow().ToUnixTimeMilliseconds();
            if (left < Interval.TotalMilliseconds * 1.5)
            {
                var reason = "Job leases could not be renewed: " + (StorageFailure.Describe(exception) ?? exception.Message);
                foreach (var session in board.Sessions) session.HaltFor(reason);
            }
        }
    }
}
