using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Triton.Web.Api;

/// <summary>
/// A key whose scope is too small gets 403 as problem details naming the missing scope; every other
/// authorization outcome takes ASP.NET Core's usual path.
/// </summary>
public sealed class ApiForbiddenProblemHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure?.FailureReasons.OfType<ApiScopeFailure>().FirstOrDefault() is { } failure)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = $"The '{ApiScopes.Name(failure.Required)}' scope is required.",
                    Detail = failure.Message,
                    Extensions = { ["requiredScope"] = ApiScopes.Name(failure.Required) },
                },
            });
            return;
        }
        await fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}
