using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Triton.Web.Api;

namespace Triton.Web.Security;

/// <summary>
/// How the host decides who is asking and what every answer carries: the known proxies, the security
/// headers, one default scheme that picks cookie or API key, and a fallback policy so nothing is
/// public unless it says [AllowAnonymous].
/// </summary>
public static class SecurityComposition
{
    /// <summary>The default scheme: an API key for bearer requests and /api, the sign-in cookie otherwise.</summary>
    public const string SmartScheme = "Triton";

    public static IServiceCollection AddTritonSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProxySettings>().Bind(configuration.GetSection(ProxySettings.Section));
        services.AddSingleton<IConfigureOptions<ForwardedHeadersOptions>, ConfigureForwardedHeaders>();
        services.AddOptions<SecurityHeadersOptions>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = SmartScheme;
                options.DefaultAuthenticateScheme = SmartScheme;
                options.DefaultChallengeScheme = SmartScheme;
                options.DefaultForbidScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "API key or sign-in cookie", options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                || context.Request.Path.StartsWithSegments("/api")
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme);
        // Anything without its own policy needs a signed-in user or an API key.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        // Secure when the request is HTTPS, as a known proxy forwards it.
        services.Configure<AntiforgeryOptions>(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        return services;
    }

    /// <summary>The first middleware: the client's address and scheme, then headers on every answer.</summary>
    public static WebApplication UseTritonSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        return app;
    }
}
