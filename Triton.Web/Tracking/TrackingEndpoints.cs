using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Triton.Core.Tracking;

namespace Triton.Web.Tracking;

/// <summary>
/// The public ends of tracking: /t/o/{token}.gif (the open pixel) and /t/c/{token} (a click). Both are
/// anonymous, answer without touching the database (the recorder queues the event) and are limited
/// per client address (Tracking:RequestsPerSecondPerAddress).
/// </summary>
/// <remarks>
/// They are the host's hottest routes (a campaign's opens come in bursts), so they short-circuit: the
/// routing middleware runs them as soon as they match, after the forwarded headers, the security headers
/// and the exception handler (WebComposition), skipping authentication, authorization, antiforgery and
/// the status-code pages they have no use for. The handlers are plain request delegates over the
/// singletons: no parameter binding, no endpoint filter, no request scope.
/// </remarks>
public static class TrackingEndpoints
{
    // The smallest transparent 1x1 GIF.
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");
    private static readonly StringValues Gif = "image/gif";
    private static readonly StringValues NoStore = "no-store, no-cache, must-revalidate, max-age=0";
    private static readonly StringValues NoCachePragma = "no-cache";
    private static readonly StringValues Expired = "0";

    public static IServiceCollection AddTritonTrackingEndpoints(this IServiceCollection services)
    {
        services.AddSingleton<TrackingRateLimit>();
        return services;
    }

    public static void MapTrackingEndpoints(this IEndpointRouteBuilder app)
    {
        var hits = app.ServiceProvider.GetRequiredService<TrackingHits>();
        var limit = app.ServiceProvider.GetRequiredService<TrackingRateLimit>();
        var tracking = app.MapGroup("/t");
        tracking.AllowAnonymous().ShortCircuit();
        // Always the GIF, whatever the token: a broken image tells nobody anything, and a bad token records nothing.
        tracking.MapGet("/o/{token}.gif", async http =>
        {
            if (!limit.Allows(http)) return;
            await hits.OpenAsync(Token(http), http.Request.Headers.UserAgent.ToString(), http.RequestAborted);
            var response = http.Response;
            NoCache(response);
            response.Headers.ContentType = Gif;
            response.ContentLength = Pixel.Length;
            await response.Body.WriteAsync(Pixel, http.RequestAborted);
        });
        // Only to the URL the token was signed for: anything else is 404, never an open redirect.
        tracking.MapGet("/c/{token}", async http =>
        {
            if (!limit.Allows(http)) return;
            if (await hits.ClickAsync(Token(http), http.Request.Headers.UserAgent.ToString(), http.RequestAborted) is not { } url)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            NoCache(http.Response);
            http.Response.Redirect(url);
        });
    }

    private static string Token(HttpContext http) => http.Request.RouteValues["token"] as string ?? "";

    /// <summary>Every fetch must reach Triton to count: no cache, no proxy copy.</summary>
    private static void NoCache(HttpResponse response)
    {
        response.Headers.CacheControl = NoStore;
        response.Headers.Pragma = NoCachePragma;
        response.Headers.Expires = Expired;
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

    /// <summary>True when the request's client address (as a known proxy forwards it) is under the limit; otherwise answers 429.</summary>
    public bool Allows(HttpContext http)
    {
        if (Allows(http.Connection.RemoteIpAddress)) return true;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return false;
    }

    public void Dispose() => _limiter?.Dispose();
}
