using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Triton.Core.Data;

namespace Triton.Core.Scheduling;

public static class SchedulingServiceCollectionExtensions
{
    /// <summary>The scheduler's name, the same on every instance: a cluster is the schedulers sharing it.</summary>
    public const string SchedulerName = "Triton";

    /// <summary>
    /// Quartz, with its store chosen by the database. On PostgreSQL it is the clustered AdoJobStore on
    /// Triton's own database (the qrtz_ tables a migration creates): several instances share the
    /// triggers, each firing is taken by exactly one of them, and schedules survive restarts in the
    /// tables themselves. On SQLite (one instance by design) the in-memory store stays: the campaigns
    /// table and the configured cron are the durable record, and they are registered again at start-up.
    /// </summary>
    public static IServiceCollection AddTritonScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ScheduleStoreOptions>().Bind(configuration.GetSection(ScheduleStoreOptions.Section));
        var database = DatabaseServiceCollectionExtensions.Resolve(configuration);
        var options = configuration.GetSection(ScheduleStoreOptions.Section).Get<ScheduleStoreOptions>() ?? new ScheduleStoreOptions();
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler => scheduler.InstanceName = SchedulerName);
            if (database.Provider != DatabaseProvider.Postgres) return;
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(database.ConnectionString);
                store.UseSystemTextJsonSerializer();
                // Instance id AUTO: each process generates its own, as a cluster requires.
                store.UseClustering(clustering =>
                {
                    clustering.CheckinInterval = TimeSpan.FromSeconds(options.ClusterCheckinSeconds);
                    clustering.CheckinMisfireThreshold = TimeSpan.FromSeconds(options.ClusterCheckinSeconds * 2);
                });
            });
        });
        services.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = true);
        return services;
    }
}
