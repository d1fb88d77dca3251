using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Triton.Web.Api;

/// <summary>Triton:ApiAuthLimit: how many failed API authentications an address may make per window.</summary>
public sealed class ApiAuthLimitOptions
{
    public const string Section = "Triton:ApiAuthLimit";

    /// <summary>Failures allowed per address and window; the next request in the window gets 429.</summary>
    public int MaxFailures { get; set; } = 10;

    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// Counts failed API authentications (unknown, revoked or expired keys, a wrong cron secret) per client
/// address, as forwarded by a known proxy. An address over the limit is answered 429 until its window
/// ends, even with a right key, so guessing keys costs a window per few tries.
/// </summary>
public sealed class ApiAuthFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> limiter;

    public ApiAuthFailureLimiter(IOptions<ApiAuthLimitOptions> options)
    {
        var settings = options.Value;
        limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, settings.MaxFailures),
                Window = TimeSpan.FromSeconds(Math.Max(1, settings.WindowSeconds)),
                QueueLimit = 0,
            }));
    }

    /// <summary>Null while the address may try; otherwise how long it must wait.</summary>
    public TimeSpan? Blocked(IPAddress? address)
    {
        using var lease = limiter.AttemptAcquire(Key(address), permitCount: 0);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void RecordFailure(IPAddress? address)
    {
        using var _ = limiter.AttemptAcquire(Key(address));
    }

    private static IPAddress Key(IPAddress? address) => address is null ? IPAddress.None
        : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public void Dispose() => limiter.Dispose();
}

/// <summary>Answers 429 to a request carrying a credential from an address over the failure limit.</summary>
public sealed class ApiAuthFailureLimitMiddleware(RequestDelegate next, ApiAuthFailureLimiter limiter, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.Count > 0 && limiter.Blocked(context.Connection.RemoteIpAddress) is { } wait)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = Math.Ceiling(Math.Max(1, wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many failed authentications from this address.",
                    Detail = "Wait until the time in Retry-After has passed, then use a valid key.",
                },
            });
            return;
        }
        await next(context);
    }
}
