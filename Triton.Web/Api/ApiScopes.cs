using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Triton.Core.Domain;

namespace Triton.Web.Api;

/// <summary>The scope an API endpoint needs, when it is not the default (GET: read, anything else: admin).</summary>
public sealed record ApiScopeMetadata(ApiScope Scope);

/// <summary>
/// The API's scope rules in one place: GET and HEAD need read, an endpoint marked with
/// <see cref="RequireApiScope{TBuilder}"/> needs that scope, every other method needs admin, so a new
/// endpoint is admin-only until someone decides otherwise.
/// </summary>
public static class ApiScopes
{
    public const string ClaimType = "triton_api_scope";

    public static TBuilder RequireApiScope<TBuilder>(this TBuilder builder, ApiScope scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiScopeMetadata(scope));

    public static ApiScope Required(Endpoint? endpoint, string method)
    {
        if (endpoint?.Metadata.GetMetadata<ApiScopeMetadata>() is { } declared) return declared.Scope;
        return HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? ApiScope.Read : ApiScope.Admin;
    }

    public static ApiScope? Of(ClaimsPrincipal user) =>
        Enum.TryParse<ApiScope>(user.FindFirstValue(ClaimType), out var scope) ? scope : null;

    public static string Name(ApiScope scope) => EnumNames.Name(scope);
}

/// <summary>Part of the API policy: the key's scope covers what the endpoint needs.</summary>
public sealed class ApiScopeRequirement : IAuthorizationRequirement;

public sealed class ApiScopeHandler : AuthorizationHandler<ApiScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiScopeRequirement requirement)
    {
        if (context.Resource is not HttpContext http) return Task.CompletedTask;
        var required = ApiScopes.Required(http.GetEndpoint(), http.Request.Method);
        var granted = ApiScopes.Of(context.User);
        if (granted >= required)
            context.Succeed(requirement);
        else if (granted is not null)
            context.Fail(new ApiScopeFailure(this, required, granted.Value));
        return Task.CompletedTask;
    }
}

/// <summary>Why a key was refused: the scope the endpoint needs, which the key lacks.</summary>
public sealed class ApiScopeFailure(IAuthorizationHandler handler, ApiScope required, ApiScope granted)
    : AuthorizationFailureReason(handler, $"This API key has the '{ApiScopes.Name(granted)}' scope; this request needs the '{ApiScopes.Name(required)}' scope.")
{
    public ApiScope Required { get; } = required;
}
