using Microsoft.AspNetCore.Http.HttpResults;

namespace Triton.Web.Api;

/// <summary>The problem details every resource answers with.</summary>
public static class ApiResults
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(title: $"No such {what}.", statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult Conflict(string reason, string? field = null) =>
        TypedResults.Problem(title: "Conflict", detail: reason, statusCode: StatusCodes.Status409Conflict,
            extensions: field is null ? null : new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [reason] } });

    public static ProblemHttpResult BadRequest(string reason) =>
        TypedResults.Problem(title: "Bad request", detail: reason, statusCode: StatusCodes.Status400BadRequest);
}
