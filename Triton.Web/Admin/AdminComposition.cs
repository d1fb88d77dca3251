using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;
using Triton.Core.Data;
using Triton.Web.Access;
using Triton.Web.Components;
using Triton.Web.Progress;

namespace Triton.Web.Admin;

/// <summary>
/// The browser admin: Identity with cookies, Razor pages (interactive Blazor Server with MudBlazor, and static
/// SSR pages not moved yet), form endpoints, the progress hub.
/// </summary>
public static class AdminComposition
{
    public static IServiceCollection AddTritonAdmin(this IServiceCollection services)
    {
        services.AddDbContext<AdminIdentityDbContext>((sp, options) =>
        {
            var database = sp.GetRequiredService<DatabaseOptions>();
            DatabaseServiceCollectionExtensions.Configure(options, database);
            if (database.Provider == DatabaseProvider.Postgres)
                options.UseNpgsql(database.ConnectionString, o => o.MigrationsHistoryTable(AdminIdentityDbContext.MigrationsHistoryTable));
            else
                options.UseSqlite(database.ConnectionString, o => o.MigrationsHistoryTable(AdminIdentityDbContext.MigrationsHistoryTable));
        });
        services.AddIdentity<AdminUser, IdentityRole>(options =>
            {
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 10;
                options.Password.RequireNonAlphanumeric = false;
            })
            .AddEntityFrameworkStores<AdminIdentityDbContext>()
            .AddDefaultTokenProviders();
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/login";
            options.LogoutPath = "/logout";
            options.ReturnUrlParameter = "returnUrl";
            options.SlidingExpiration = true;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.Cookie.Name = "triton.auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // A signed-in user without the role gets a plain 403, not a redirect loop.
            options.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminRoles.CanView, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(AdminRoles.Admin, AdminRoles.Editor, AdminRoles.Viewer))
            .AddPolicy(AdminRoles.CanEdit, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(AdminRoles.Admin, AdminRoles.Editor))
            .AddPolicy(AdminRoles.CanAdminister, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(AdminRoles.Admin));
        // Every request re-reads the user's security stamp, so a role change, password reset or delete
        // ends that user's sessions at their next request rather than within the default 30 minutes.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.Zero);
        services.Replace(ServiceDescriptor.Scoped<ISecurityStampValidator, SessionStampValidator>());
        services.AddSingleton<AccessLock>();
        services.AddSingleton<SetupCode>();
        services.AddScoped<AdminBootstrap>();
        services.AddScoped<UserAdministration>();
        services.AddSingleton<Triton.Core.Triggers.IAdminNotifier, AdminMailNotifier>();
        services.AddSingleton<UserPreferences>();
        services.AddSingleton<Triton.Web.Components.Campaigns.ProgressPace>();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddMudServices();
        services.AddSignalR();
        services.AddHostedService<ProgressForwarder>();
        return services;
    }

    /// <summary>Creates the Identity tables and the first admin (from configuration) before serving.</summary>
    public static async Task PrepareTritonAdminAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AdminIdentityDbContext>().Database.MigrateAsync(cancellationToken);
        await scope.ServiceProvider.GetRequiredService<AdminBootstrap>().EnsureConfiguredAdminAsync(cancellationToken);
    }

    public static WebApplication UseTritonAdmin(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .Add(RequireSignedInUserOnCircuits);
        app.MapHub<ProgressHub>(ProgressHub.Path);
        app.MapAdminForms();
        app.MapListExport();
        app.MapSuppressionExport();
        app.MapTransferAdmin();
        return app;
    }

    /// <summary>
    /// The circuit endpoints (/_blazor, its negotiation, disconnect and initializers) are for the signed-in
    /// users of interactive pages, as the progress hub is: an API key opens no circuit.
    /// </summary>
    private static void RequireSignedInUserOnCircuits(EndpointBuilder endpoint)
    {
        if (endpoint is RouteEndpointBuilder route && route.RoutePattern.RawText?.StartsWith("/_blazor", StringComparison.Ordinal) == true)
            endpoint.Metadata.Add(new AuthorizeAttribute(AdminRoles.CanView));
    }

    /// <summary>Form endpoints outside components must check the token the antiforgery middleware validated.</summary>
    internal static TBuilder RequireAntiforgery<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new RequireAntiforgeryTokenAttribute());
        builder.AddEndpointFilter(async (context, next) =>
        {
            var validation = context.HttpContext.Features.Get<IAntiforgeryValidationFeature>();
            if (validation is { IsValid: false })
                return Results.Problem("The form's antiforgery token is missing or invalid.", statusCode: StatusCodes.Status400BadRequest);
            return await next(context);
        });
        return builder;
    }
}
