using Triton.Core.Archive;
using Triton.Core.Transfer;
using Triton.Web.Access;
using Triton.Web.Api;

namespace Triton.Web.Admin;

/// <summary>
/// Downloads for signed-in admins (the API takes keys only): a .triton export, as the export button links
/// it, and an archived message's .eml. Both can hold recipients' data, so both are for admins.
/// </summary>
public static class TransferAdminEndpoints
{
    public static IEndpointRouteBuilder MapTransferAdmin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/export/{kind}/{id:int}", (string kind, int id, TransferService transfer, CancellationToken ct, bool recipients = false) =>
            TransferEndpoints.ExportAsync(kind, kind == "groups" && id == 0 ? null : id, recipients, transfer, ct))
            .RequireAuthorization(AdminRoles.CanAdminister);
        app.MapGet("/archive/{id:long}/eml", async (long id, OutboxCatalog catalog, CancellationToken ct) =>
            await catalog.GetAsync(id, ct) is { } row && catalog.Open(row) is { } file
                ? Results.Stream(file, "message/rfc822", ArchiveEndpoints.FileName(row))
                : Results.NotFound())
            .RequireAuthorization(AdminRoles.CanAdminister);
        return app;
    }
}
