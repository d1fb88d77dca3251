using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Web.Admin;
using Triton.Web.Api;
using Triton.Web.Mail;
using Triton.Web.Security;
using Triton.Web.Suppressions;

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
        return services;
    }

    public static WebApplication UseTritonWeb(this WebApplication app)
    {
        app.UseTritonSecurity();
        app.UseExceptionHandler();
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
        app.MapUnsubscribe();
        app.MapGet("/health", async (TritonDbContext db, CancellationToken cancellationToken) =>
            await db.Database.CanConnectAsync(cancellationToken)
                ? Results.Ok(new { status = "healthy" })
                : Results.Json(new { status = "database unreachable" }, statusCode: StatusCodes.Status503ServiceUnavailable))
            .AllowAnonymous();
        return app;
    }
}
