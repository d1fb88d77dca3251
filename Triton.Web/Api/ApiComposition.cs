using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Triton.Core.Campaigns;
using Triton.Core.Groups;
using Triton.Core.Mail;

namespace Triton.Web.Api;

public static class ApiComposition
{
    public const string Policy = "Api";

    public static IServiceCollection AddTritonApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddOptions<ApiAuthLimitOptions>().Bind(configuration.GetSection(ApiAuthLimitOptions.Section));
        services.AddSingleton<ApiAuthFailureLimiter>();
        // Only API keys open the API: a signed-in browser's cookie does not, so a page cannot be made to call it.
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .AddRequirements(new ApiScopeRequirement()));
        services.AddSingleton<IAuthorizationHandler, ApiScopeHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiForbiddenProblemHandler>();
        services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        // Binding failures throw, so BadRequestProblemHandler can name the failing field.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestProblemHandler>();
        // Before the conflict handler: a write refused by a full disk is not an edit conflict.
        services.AddExceptionHandler<StorageProblemHandler>();
        services.AddExceptionHandler<ConflictProblemHandler>();
        services.AddScoped<CampaignReader>();
        return services;
    }

    /// <summary>
    /// Every resource maps its own group under /api; all of them need an API key whose scope covers the
    /// request (see <see cref="ApiScopes"/>).
    /// </summary>
    public static RouteGroupBuilder MapTritonApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(Policy)
            .WithMetadata(new RequestBodyLimit(RequestBodyLimit.Json));
        api.MapGroupEndpoints();
        api.MapTransportEndpoints();
        api.MapTransportConnectionTest();
        var campaigns = api.MapCampaignEndpoints();
        campaigns.MapCampaignActionEndpoints();
        campaigns.MapCampaignDeliveryEndpoints();
        api.MapTemplateEndpoints();
        api.MapListEndpoints();
        api.MapRecipientEndpoints();
        api.MapCampaignPreviewEndpoints();
        api.MapContractEndpoints();
        api.MapTriggerEndpoints();
        api.MapEventEndpoints();
        api.MapArchiveEndpoints();
        api.MapTransferEndpoints();
        api.MapCategoryEndpoints();
        api.MapStatsEndpoints();
        api.MapSuppressionEndpoints();
        api.MapSettingsEndpoints();
        return api;
    }
}
