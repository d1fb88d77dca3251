using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Triton.Web.Api;

/// <summary>The body size an endpoint accepts; the API group sets 10 MB, an import may set more.</summary>
public sealed record RequestBodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata
{
    public const long Json = 10 * 1024 * 1024;
}

public static class RequestBodyLimitMiddleware
{
    /// <summary>
    /// Refuses a declared oversized body with 413 before anything reads it, and caps an undeclared
    /// (chunked) one through the server's body-size feature where the server has it.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
            if (limit is long max)
            {
                if (context.Request.ContentLength > max)
                {
                    context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                    await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                    {
                        HttpContext = context,
                        ProblemDetails = { Status = 413, Title = "The request body is too large.", Detail = $"At most {max} bytes." },
                    });
                    return;
                }
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                    feature.MaxRequestBodySize = max;
                else if (context.Request.ContentLength is null)
                    context.Request.Body = new LimitedRequestStream(context.Request.Body, max);
            }
            await next(context);
        });
}
