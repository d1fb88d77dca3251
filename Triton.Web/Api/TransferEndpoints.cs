using Triton.Core;
using Triton.Core.Domain;
using Triton.Core.Transfer;

namespace Triton.Web.Api;

/// <summary>
/// /api/export and /api/import: .triton files. An export can carry a list's recipients and an import
/// creates anything, so both need the admin scope.
/// </summary>
public static class TransferEndpoints
{
    /// <summary>The largest .triton file an import takes: as large as a list's CSV import.</summary>
    public const long MaxImportBytes = RecipientEndpoints.MaxImportBytes;

    public static void MapTransferEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/export/{kind}/{id:int}", (string kind, int id, TransferService transfer, CancellationToken ct, bool recipients = false) =>
            ExportAsync(kind, id, recipients, transfer, ct)).RequireApiScope(ApiScope.Admin);
        api.MapGet("/export/groups", (TransferService transfer, CancellationToken ct) =>
            ExportAsync("groups", null, false, transfer, ct)).RequireApiScope(ApiScope.Admin);
        api.MapPost("/import", async (HttpRequest request, TransferService transfer, CancellationToken ct, bool dryRun = false, string? onConflict = null) =>
        {
            if (!TryStrategy(onConflict, out var strategy))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["onConflict"] = ["'onConflict' must be refuse or reuse."] });
            var result = await transfer.ImportAsync(request.Body, dryRun, strategy, ct);
            return result.ToHttp("import", plan => plan);
        }).RequireApiScope(ApiScope.Admin).WithMetadata(new RequestBodyLimit(MaxImportBytes));
    }

    public static bool TryStrategy(string? text, out ImportStrategy strategy)
    {
        strategy = ImportStrategy.Refuse;
        return string.IsNullOrEmpty(text) || EnumNames.TryParse(text, out strategy);
    }

    /// <summary>The sealed file as application/octet-stream with its file name, or why not; shared with the admin's download.</summary>
    public static async Task<IResult> ExportAsync(string kind, int? id, bool recipients, TransferService transfer, CancellationToken ct)
    {
        if (!EnumNames.TryParse<TransferKind>(kind, out var parsed))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = [$"'kind' must be one of {EnumNames.List<TransferKind>()}."] });
        var prepared = await transfer.PrepareExportAsync(parsed, id, recipients, ct);
        if (prepared.Status != ServiceStatus.Saved) return prepared.ToHttp(kind, set => set);
        var set = prepared.Value!;
        return Results.Stream(output => transfer.WriteExportAsync(set, output, ct), "application/octet-stream", set.FileName);
    }
}
