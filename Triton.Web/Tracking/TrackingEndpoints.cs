using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Triton.Core.Tracking;

namespace Triton.Web.Tracking;

/// <summary>
/// The public ends of tracking: /t/o/{token}.gif (the open pixel) and /t/c/{token} (a click). Both are
/// anonymous, answer without touching the database (the recorder queues the event) and are limited
/// per client address (Tracking:RequestsPerSecondPerAddress).
/// </summary>
public static class TrackingEndpoints
{
    // The smallest transparent 1x1 GIF.
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static IServiceCollection AddTritonTrackingEndpoints(this IServiceCollection services)
    {
        services.AddSingleton<TrackingRateLimit>();
        return services;
    }

    public static void MapTrackingEndpoints(this IEndpointRouteBuilder app)
    {
        var tracking = app.MapGroup("/t").AllowAnonymous().AddEndpointFilter<TrackingRateLimitFilter>();
        // Always the GIF, whatever the token: a broken image tells nobody anything, and a bad token records nothing.
        tracking.MapGet("/o/{token}.gif", async (string token, HttpContext http, TrackingHits hits, CancellationToken ct) =>
        {
            await hits.OpenAsync(token, http.Request.Headers.UserAgent.ToString(), ct);
            NoCache(http.Response);
            return TypedResults.File(Pixel, "image/gif");
        });
        // Only to the URL the token was signed for: anything else is 404, never an open redirect.
        tracking.MapGet("/c/{token}", async (string token, HttpContext http, TrackingHits hits, CancellationToken ct) =>
        {
            if (await hits.ClickAsync(token, http.Request.Headers.UserAgent.ToString(), ct) is not { } url) return Results.NotFound();
            NoCache(http.Response);
            return Results.Redirect(url);
        });
    }

    /// <summary>Every fetch must reach Triton to count: no cache, no proxy copy.</summary>
    private static void NoCache(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store, no-cache, must-revalidate, max-age=0";
        response.Headers.Pragma = "no-cache";
        response.Headers.Expires = "0";
    }
}

/// <summary>Requests per second per client address on /t/ (0: no limit).</summary>
public sealed class TrackingRateLimit : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress>? _limiter;

    public TrackingRateLimit(IOptions<TrackingOptions> options)
    {
        var perSecond = options.Value.RequestsPerSecondPerAddress;
        if (perSecond <= 0) return;
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perSecond, Window = TimeSpan.FromSeconds(1), QueueLimit = 0 }));
    }

    public bool Allows(IPAddress? address)
    {
        if (_limiter is null) return true;
        var key = address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        using var lease = _limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter?.Dispose();
}

public sealed class TrackingRateLimitFilter(TrackingRateLimit limit) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        limit.Allows(context.HttpContext.Connection.RemoteIpAddress)
            ? await next(context)
            : Results.StatusCode(StatusCodes.Status429TooManyRequests);
}
