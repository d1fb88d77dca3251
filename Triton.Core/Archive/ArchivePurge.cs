using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using Triton.Core.Data;

namespace Triton.Core.Archive;

/// <summary>
/// Removes archived messages older than Archive:KeepDays: the file first, then its outbox row, in
/// batches, so a purge that stops half way leaves rows whose files are gone (the viewer says so) rather
/// than files nothing points to.
/// </summary>
public sealed class ArchivePurge(
    IDbContextFactory<TritonDbContext> contexts,
    MessageArchive archive,
    IOptions<ArchiveOptions> options,
    TimeProvider time,
    ILogger<ArchivePurge> logger)
{
    private const int BatchSize = 500;

    /// <summary>Purges what is due and answers how many messages went.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().AddDays(-Math.Max(0, options.Value.KeepDays)).ToUnixTimeMilliseconds();
        var purged = 0;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var due = await db.Outbox.AsNoTracking().Where(m => m.SentAt < cutoff).OrderBy(m => m.Id).Take(BatchSize)
                .Select(m => new { m.Id, m.Path }).ToListAsync(cancellationToken);
            if (due.Count == 0) break;
            foreach (var row in due)
            {
                if (archive.FullPath(row.Path) is not { } path) continue;
                try { File.Delete(path); }
                catch (DirectoryNotFoundException) { }
            }
            var ids = due.Select(r => r.Id).ToList();
            purged += await db.Outbox.Where(m => ids.Contains(m.Id)).ExecuteDeleteAsync(cancellationToken);
            if (due.Count < BatchSize) break;
        }
        if (purged > 0) logger.LogInformation("Purged {Count} archived messages older than {Days} days", purged, options.Value.KeepDays);
        return purged;
    }
}

/// <summary>Registers the purge with Quartz every Archive:PurgeIntervalMinutes.</summary>
public sealed class ArchivePurgeSchedule(ISchedulerFactory schedulers, IOptions<ArchiveOptions> options) : IHostedService
{
    private static readonly JobKey Key = new("archive-purge", "archive");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var minutes = Math.Max(1, options.Value.PurgeIntervalMinutes);
        var job = JobBuilder.Create<ArchivePurgeJob>().WithIdentity(Key).Build();
        var trigger = TriggerBuilder.Create().WithIdentity(Key.Name, Key.Group).StartNow()
            .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(minutes)).RepeatForever()).Build();
        // Replace, not delete-then-add: instances sharing a clustered store all register it at start-up,
        // and two deleting the same job at once made one of them fail to start.
        await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions { Replace = true }, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

[DisallowConcurrentExecution]
public sealed class ArchivePurgeJob(ArchivePurge purge) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await purge.PurgeAsync(cancellationToken);
}

public static class ArchiveServiceCollectionExtensions
{
    /// <summary>The .eml archive, the outbox and its purge.</summary>
    public static IServiceCollection AddTritonArchive(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddOptions<ArchiveOptions>().Bind(configuration.GetSection(ArchiveOptions.Section));
        services.AddSingleton<MessageArchive>();
        services.AddSingleton<OutboxCatalog>();
        services.AddSingleton<ArchivePurge>();
        services.AddTransient<ArchivePurgeJob>();
        services.AddHostedService<ArchivePurgeSchedule>();
        return services;
    }
}
