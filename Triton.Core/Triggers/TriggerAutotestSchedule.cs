using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using Triton.Core.Scheduling;

namespace Triton.Core.Triggers;

/// <summary>Registers the daily trigger test with Quartz at Triggers:AutotestCron (server time).</summary>
public sealed class TriggerAutotestSchedule(ISchedulerFactory schedulers, IOptions<TriggerOptions> options, ILogger<TriggerAutotestSchedule> logger) : IHostedService
{
    private static readonly JobKey Key = new("trigger-autotest", "triggers");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var cron = options.Value.AutotestCron;
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        if (string.IsNullOrWhiteSpace(cron))
        {
            await scheduler.DeleteIfPresentAsync(Key, cancellationToken);
            return;
        }
        try
        {
            _ = new CronExpression(cron);
        }
        catch (FormatException exception)
        {
            logger.LogError("Triggers:AutotestCron '{Cron}' is not a valid Quartz cron expression ({Reason}); the daily trigger test is off", cron, exception.Message);
            await scheduler.DeleteIfPresentAsync(Key, cancellationToken);
            return;
        }
        var job = JobBuilder.Create<TriggerAutotestJob>().WithIdentity(Key).Build();
        var trigger = TriggerBuilder.Create().WithIdentity(Key.Name, Key.Group).WithCronSchedule(cron).Build();
        // Replace, not delete-then-add: instances sharing a clustered store all register it at start-up,
        // and two deleting the same job at once made one of them fail to start.
        await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions { Replace = true }, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The daily run: tests every active trigger and emails the admins the failures.</summary>
public sealed class TriggerAutotestJob(TriggerAutotest autotest) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await autotest.RunAsync(email: true, cancellationToken);
}
