using Triton.Web.Access;
using Triton.Web.Api;

namespace Triton.Web.Admin;

/// <summary>
/// GET /suppressions/export: the suppressions page's CSV download for signed-in users (a plain link
/// the browser saves, as a circuit cannot stream a large file); the API's export is the same call.
/// </summary>
public static class SuppressionExportEndpoint
{
    public static IEndpointRouteBuilder MapSuppressionExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/suppressions/export", SuppressionEndpoints.Export).RequireAuthorization(AdminRoles.CanView);
        return app;
    }
}
