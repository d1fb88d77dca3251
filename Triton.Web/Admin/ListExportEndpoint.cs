using Triton.Core.Lists;
using Triton.Web.Access;
using Triton.Web.Api;

namespace Triton.Web.Admin;

/// <summary>
/// GET /lists/{id}/export: the list page's CSV download for signed-in users. A file download is a
/// plain link (the browser saves the streamed answer), which a circuit cannot offer for a large list.
/// </summary>
public static class ListExportEndpoint
{
    public static IEndpointRouteBuilder MapListExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/lists/{id:int}/export", (int id, RecipientService service, CancellationToken ct) => RecipientEndpoints.ExportAsync(id, service, ct))
            .RequireAuthorization(AdminRoles.CanView);
        return app;
    }
}
