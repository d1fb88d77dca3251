using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Triton.Web.Security;

/// <summary>The headers every response carries; the CSP can be extended through options.</summary>
public sealed class SecurityHeadersOptions
{
    public ContentSecurityPolicy ContentSecurityPolicy { get; } = ContentSecurityPolicy.ForAdmin();

    public string ReferrerPolicy { get; set; } = "same-origin";

    /// <summary>Strict-Transport-Security on HTTPS requests (as forwarded by a known proxy).</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);
}

/// <summary>
/// Adds the security headers when the response starts, so pages, API answers, static files and the
/// answers of the exception and status-code handlers (which clear headers) all carry them.
/// </summary>
public sealed class SecurityHeadersMiddleware
{
    // Built once: every answer sends the same values, and the callback takes the context as its state,
    // so a request allocates nothing here.
    private static readonly StringValues Deny = "DENY";
    private static readonly StringValues NoSniff = "nosniff";
    private static readonly StringValues SameOrigin = "same-origin";
    private static readonly StringValues Permissions = "camera=(), microphone=(), geolocation=(), payment=()";
    private readonly RequestDelegate next;
    private readonly StringValues policy;
    private readonly StringValues referrerPolicy;
    private readonly StringValues hsts;
    private readonly Func<object, Task> apply;

    public SecurityHeadersMiddleware(RequestDelegate next, IOptions<SecurityHeadersOptions> options)
    {
        this.next = next;
        policy = options.Value.ContentSecurityPolicy.ToString();
        referrerPolicy = options.Value.ReferrerPolicy;
        hsts = $"max-age={(long)options.Value.HstsMaxAge.TotalSeconds}";
        apply = Apply;
    }

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(apply, context);
        return next(context);
    }

    private Task Apply(object state)
    {
        var http = (HttpContext)state;
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = policy;
        headers.XFrameOptions = Deny;
        headers.XContentTypeOptions = NoSniff;
        headers["Referrer-Policy"] = referrerPolicy;
        headers["Cross-Origin-Opener-Policy"] = SameOrigin;
        headers["Permissions-Policy"] = Permissions;
        if (http.Request.IsHttps)
            headers.StrictTransportSecurity = hsts;
        return Task.CompletedTask;
    }
}
