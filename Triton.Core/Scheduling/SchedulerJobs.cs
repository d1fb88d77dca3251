using Quartz;

namespace Triton.Core.Scheduling;

public static class SchedulerJobs
{
    /// <summary>
    /// Deletes a job if it is there. On the clustered store several instances starting together delete
    /// the same job at once; the one that loses finds the trigger already gone and Quartz throws. That
    /// is the outcome wanted, so only a job still present afterwards is a failure.
    /// </summary>
    public static async Task DeleteIfPresentAsync(this IScheduler scheduler, JobKey key, CancellationToken cancellationToken)
    {
        try
        {
            await scheduler.DeleteJob(key, cancellationToken);
        }
        catch (SchedulerException)
        {
            if (await scheduler.GetJobDetail(key, cancellationToken) is not null) throw;
        }
    }
}
