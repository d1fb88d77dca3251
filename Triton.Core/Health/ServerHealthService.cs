using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using Triton.Core.Bounces;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Health;

/// <summary>
/// Gathers the dashboard's health figures: writable directories, load, memory, database size, the
/// send queue, triggers and their last automatic test, the scheduler, the bounce mailbox's last poll.
/// Every figure comes from the database or this machine when asked, so each instance of a cluster
/// shows the shared queue and its own host.
/// </summary>
public sealed class ServerHealthService(
    IDbContextFactory<TritonDbContext> contexts,
    DatabaseOptions database,
    DirectoryProbe directories,
    ISchedulerFactory schedulers,
    TimeProvider time,
    IOptions<BounceOptions> bounces,
    IOptions<TritonOptions> triton,
    ILogger<ServerHealthService> logger)
{
    /// <summary>How many failing triggers are named; the count beyond that is in the panel's summary.</summary>
    public const int FailingTriggersShown = 10;

    public async Task<ServerHealth> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        string? databaseError = null;
        long? size = null;
        QueueState? queue = null;
        int? active = null;
        List<FailingTrigger> failing = [];
        BounceMailboxStatus? bounceMailbox = null;
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            size = await DatabaseSizeAsync(db, cancellationToken);
            queue = await QueueAsync(db, now, cancellationToken);
            active = await db.Triggers.CountAsync(t => t.Active, cancellationToken);
            failing = (await db.Triggers.AsNoTracking()
                    .Where(t => t.Active && t.LastTestError != null)
                    .OrderBy(t => t.Name)
                    .Select(t => new { t.Id, t.Name, t.LastTestAt, t.LastTestError })
                    .Take(FailingTriggersShown)
                    .ToListAsync(cancellationToken))
                .Select(t => new FailingTrigger(t.Id, t.Name, t.LastTestAt, t.LastTestError!)).ToList();
            bounceMailbox = await BounceMailboxStatus.ReadAsync(db, bounces.Value, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Reading the health figures from the database failed");
            databaseError = StorageFailure.Describe(exception) ?? exception.Message;
        }

        return new ServerHealth(
            now,
            databaseError is null,
            databaseError,
            await directories.ProbeAsync(cancellationToken),
            HostFigures.ReadLoadAverage(),
            Process.GetCurrentProcess().WorkingSet64,
            HostFigures.ReadSystemMemory(),
            size,
            queue,
            active,
            failing,
            await SchedulerRunningAsync(cancellationToken),
            bounceMailbox,
            triton.Value.PublicBaseUrl);
    }

    /// <summary>Queued deliveries of running campaigns and queued transactional messages; a paused campaign's rest is not waiting on the server.</summary>
    public async Task<QueueState> QueueAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await QueueAsync(db, time.GetUtcNow(), cancellationToken);
    }

    private static async Task<QueueState> QueueAsync(TritonDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var queued = db.Deliveries.Where(d => d.Status == DeliveryStatus.Queued &&
            db.Campaigns.Any(c => c.Id == d.CampaignId && c.Generation == d.Generation && c.State == CampaignState.Running));
        var deliveries = await queued.LongCountAsync(cancellationToken);
        // UpdatedAt is when the job was enqueued or last put back for a retry: how long it has waited.
        long? oldestDelivery = deliveries == 0 ? null : await queued.MinAsync(d => (long?)d.UpdatedAt, cancellationToken);

        var messages = db.Messages.Where(m => m.Status == MessageStatus.Queued);
        var messageCount = await messages.LongCountAsync(cancellationToken);
        // Ordered rather than MIN: SQLite stores DateTimeOffset as text, which EF cannot aggregate.
        var oldestMessage = messageCount == 0 ? (DateTimeOffset?)null
            : await messages.OrderBy(m => m.Id).Select(m => (DateTimeOffset?)m.CreatedAt).FirstAsync(cancellationToken);

        var oldest = new[]
        {
            oldestDelivery is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null,
            oldestMessage,
        }.Where(t => t is not null).Min();
        return new QueueState(deliveries, messageCount, oldest is { } since ? Max(now - since, TimeSpan.Zero) : null);
    }

    /// <summary>The SQLite file with its write-ahead log, or what PostgreSQL reports for the database.</summary>
    private async Task<long?> DatabaseSizeAsync(TritonDbContext db, CancellationToken cancellationToken)
    {
        if (database.Provider == DatabaseProvider.Postgres)
            return await db.Database.SqlQuery<long>($"SELECT pg_database_size(current_database()) AS \"Value\"").SingleAsync(cancellationToken);
        var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        if (string.IsNullOrEmpty(file) || file == ":memory:" || !File.Exists(file)) return null;
        return new FileInfo(file).Length + (File.Exists(file + "-wal") ? new FileInfo(file + "-wal").Length : 0);
    }

    public async Task<bool> SchedulerRunningAsync(CancellationToken cancellationToken)
    {
        try
        {
            var scheduler = await schedulers.GetScheduler(cancellationToken);
            return await scheduler.GetStatus(cancellationToken) == SchedulerStatus.Running;
        }
        catch (SchedulerException exception)
        {
            logger.LogWarning(exception, "The scheduler could not be reached");
            return false;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
