using Microsoft.Extensions.Diagnostics.HealthChecks;
using Triton.Core.Health;

namespace Triton.Web.Health;

/// <summary>Every directory Triton writes to takes a file; one that does not makes the instance not ready.</summary>
public sealed class DirectoriesHealthCheck(DirectoryProbe probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var states = await probe.ProbeAsync(cancellationToken);
        // Names and reasons only: the endpoint is unauthenticated, and paths say more than a balancer needs.
        var data = states.ToDictionary(s => s.Name, s => (object)(s.Writable ? "writable" : "not writable: " + s.Error));
        var failing = states.Where(s => !s.Writable).Select(s => s.Name).ToList();
        return failing.Count == 0
            ? HealthCheckResult.Healthy("All directories are writable.", data)
            : HealthCheckResult.Unhealthy("Not writable: " + string.Join(", ", failing) + ".", data: data);
    }
}

/// <summary>The send queue's depth and the age of its oldest job: reported, never a reason to be unready.</summary>
public sealed class QueueHealthCheck(ServerHealthService health) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var queue = await health.QueueAsync(cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["depth"] = queue.Depth,
            ["campaignDeliveries"] = queue.CampaignDeliveries,
            ["transactionalMessages"] = queue.TransactionalMessages,
            ["oldestAgeSeconds"] = queue.OldestAge is { } age ? Math.Round(age.TotalSeconds, 1) : 0,
        };
        return HealthCheckResult.Healthy($"{queue.Depth} queued.", data);
    }
}

/// <summary>The Quartz scheduler (campaign schedules, the daily trigger test) is started and not in standby.</summary>
public sealed class SchedulerHealthCheck(ServerHealthService health) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await health.SchedulerRunningAsync(cancellationToken)
            ? HealthCheckResult.Healthy("The scheduler is running.")
            : HealthCheckResult.Unhealthy("The scheduler is not running.");
}
