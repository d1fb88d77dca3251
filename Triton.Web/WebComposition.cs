using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Web.Admin;
using Triton.Web.Api;
using Triton.Web.Health;
using Triton.Web.Mail;
using Triton.Web.Security;
using Triton.Web.Suppressions;
using Triton.Web.Tracking;

namespace Triton.Web;

/// <summary>The host's services and request pipeline, in one place.</summary>
public static class WebComposition
{
    public static IServiceCollection AddTritonWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddTritonApi(configuration);
        services.AddTritonAdmin();
        services.AddTritonSecurity(configuration);
        services.AddTritonSecretProtection(configuration);
        services.AddTritonHealthChecks();
        services.AddTritonTrackingEndpoints();
        // No "Server: Kestrel" on every answer: it tells a client nothing it needs.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(options => options.AddServerHeader = false);
        return services;
    }

    public static WebApplication UseTritonWeb(this WebApplication app)
    {
        app.UseTritonSecurity();
        app.UseExceptionHandler();
        // Routing here, not first (the default): the short-circuited public routes (tracking, unsubscribe,
        // /health) run as soon as they match, and still get the client's address, the security headers
        // and the exception handler above; everything after this is for the other routes.
        app.UseRouting();
        // Before authentication: the admin's scripts and styles are public.
        app.UseStaticFiles();
        app.UseStatusCodePages();
        app.UseRequestBodyLimit();
        app.UseMiddleware<ApiAuthFailureLimitMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseTritonAdmin();
        app.MapTritonApi();
        app.MapCronEndpoints();
        app.MapTritonHealth();
        app.MapTrackingEndpoints();
        app.MapUnsubscribe();
        return app;
    }
}
