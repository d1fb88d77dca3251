using Triton.Core;

namespace Triton.Web.Api;

/// <summary>An application service's answer as HTTP: 200/201, 404, 400 naming each field, or 409 with the reason.</summary>
public static class ServiceResults
{
    public static IResult ToHttp<T, TView>(this ServiceResult<T> result, string what, Func<T, TView> view, string? createdAt = null) => result.Status switch
    {
        ServiceStatus.Saved when createdAt is not null => TypedResults.Created(createdAt, view(result.Value!)),
        ServiceStatus.Saved => TypedResults.Ok(view(result.Value!)),
        ServiceStatus.NotFound => ApiResults.NotFound(what),
        ServiceStatus.Invalid => TypedResults.ValidationProblem(result.Errors!),
        _ => ApiResults.Conflict(result.Reason!, result.Field),
    };
}
