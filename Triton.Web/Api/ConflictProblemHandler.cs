using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace Triton.Web.Api;

/// <summary>
/// A write that lost a race after validation (a duplicate name saved meanwhile, a referenced row
/// deleted meanwhile) is refused by the database's constraints: answer 409, nothing was applied.
/// </summary>
public sealed class ConflictProblemHandler(IProblemDetailsService problems, ILogger<ConflictProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not DbUpdateException update || exception is DbUpdateConcurrencyException) return false;
        logger.LogInformation(update, "A write conflicted with stored data.");
        httpContext.Response.StatusCode = StatusCodes.Status409Conflict;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict",
                Detail = "The change conflicts with data saved meanwhile (a duplicate name or a removed reference); nothing was applied.",
            },
        });
    }
}
