using Microsoft.Extensions.Options;

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
public sealed class SecurityHeadersMiddleware(RequestDelegate next, IOptions<SecurityHeadersOptions> options)
{
    private readonly string policy = options.Value.ContentSecurityPolicy.ToString();
    private readonly string referrerPolicy = options.Value.ReferrerPolicy;
    private readonly string hsts = $"max-age={(long)options.Value.HstsMaxAge.TotalSeconds}";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var (self, http) = ((SecurityHeadersMiddleware, HttpContext))state;
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = self.policy;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = self.referrerPolicy;
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            if (http.Request.IsHttps)
                headers.StrictTransportSecurity = self.hsts;
            return Task.CompletedTask;
        }, (this, context));
        return next(context);
    }
}
