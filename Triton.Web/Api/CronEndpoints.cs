using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Triton.Core;
using Triton.Core.Sending;

namespace Triton.Web.Api;

/// <summary>
/// POST /api/cron/process-email-queue: one synchronous batch for deployments that drive sending
/// from an external scheduler. Its own bearer secret (Triton:CronSecret), not an API key; unset, the
/// endpoint does not exist (404).
/// </summary>
public static class CronEndpoints
{
    public static IEndpointRouteBuilder MapCronEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/cron/process-email-queue", async Task<IResult> (
            HttpContext http, IOptions<TritonOptions> options, QueueProcessor processor, ApiAuthFailureLimiter limiter,
            int? batchSize, CancellationToken cancellationToken) =>
        {
            var secret = options.Value.CronSecret;
            if (string.IsNullOrEmpty(secret)) return TypedResults.NotFound();
            string? header = http.Request.Headers.Authorization;
            var presented = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
            if (!SecretEquals(presented, secret))
            {
                limiter.RecordFailure(http.Connection.RemoteIpAddress);
                return TypedResults.Problem(title: "A valid cron secret is required.", statusCode: StatusCodes.Status401Unauthorized);
            }
            var result = await processor.ProcessAsync(batchSize ?? QueueProcessor.MaxBatch, cancellationToken);
            return TypedResults.Ok(new { processed = result.Processed, sent = result.Sent, failed = result.Failed });
        }).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// Compares in time independent of where the strings differ and of their lengths: both sides are
    /// hashed to 32 bytes first (FixedTimeEquals returns at once on different lengths).
    /// </summary>
    internal static bool SecretEquals(string presented, string secret) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
