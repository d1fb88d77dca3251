using Microsoft.AspNetCore.Diagnostics;
using Triton.Core.Data;

namespace Triton.Web.Api;

/// <summary>
/// A full disk, a read-only data directory or an unreachable database is Triton's own trouble,
/// not a conflict with the request: answer 503 with the reason (and Retry-After), never 409.
/// </summary>
public sealed class StorageProblemHandler(IProblemDetailsService problems, ILogger<StorageProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var reason = exception is StorageUnavailableException unavailable ? unavailable.Message : StorageFailure.Describe(exception);
        if (reason is null) return false;
        logger.LogError(exception, "A request failed on storage: {Reason}", reason);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "30";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Triton's storage is unavailable; nothing was applied.",
                Detail = reason,
            },
        });
    }
}
