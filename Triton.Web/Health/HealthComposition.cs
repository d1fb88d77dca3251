using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Triton.Core.Data;

namespace Triton.Web.Health;

/// <summary>
/// /health is liveness (the process answers and reaches its database); /health/ready is readiness for a
/// load balancer: each part as JSON, 503 as soon as one part is unhealthy.
/// </summary>
public static class HealthComposition
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddTritonHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddDbContextCheck<TritonDbContext>("database", tags: [ReadyTag])
            .AddCheck<DirectoriesHealthCheck>("directories", tags: [ReadyTag])
            .AddCheck<QueueHealthCheck>("queue", tags: [ReadyTag])
            .AddCheck<SchedulerHealthCheck>("scheduler", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapTritonHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (DatabaseProbe database, CancellationToken cancellationToken) =>
                await database.ReachableAsync(cancellationToken)
                    ? Results.Ok(new { status = "healthy" })
                    : Results.Json(new { status = "database unreachable" }, statusCode: StatusCodes.Status503ServiceUnavailable))
            .AllowAnonymous()
            // Polled by balancers and monitors: past authentication and the rest (see WebComposition).
            .ShortCircuit();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
            {
                Predicate = check => check.Tags.Contains(ReadyTag),
                ResponseWriter = WriteAsync,
            })
            .AllowAnonymous();
        return app;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description ?? e.Value.Exception?.Message,
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json), context.RequestAborted);
    }
}
