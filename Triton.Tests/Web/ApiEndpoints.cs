using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Triton.Tests.Web;

/// <summary>The (method, path) pairs the application maps under /api, route parameters filled with 1.</summary>
internal static class ApiEndpoints
{
    /// <summary>Endpoints that need the API key: every /api endpoint not marked AllowAnonymous.</summary>
    public static IReadOnlyList<(string Method, string Path)> List(IServiceProvider services) => Select(services, anonymous: false);

    /// <summary>/api endpoints with their own authentication (AllowAnonymous), such as the cron endpoint.</summary>
    public static IReadOnlyList<(string Method, string Path)> Anonymous(IServiceProvider services) => Select(services, anonymous: true);

    private static IReadOnlyList<(string Method, string Path)> Select(IServiceProvider services, bool anonymous) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true)
            .Where(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null) == anonymous)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, Fill(e.RoutePattern))))
            .Distinct()
            .OrderBy(e => e.Item2, StringComparer.Ordinal)
            .ToList();

    private static string Fill(Microsoft.AspNetCore.Routing.Patterns.RoutePattern pattern) =>
        "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => "1",
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));
}
