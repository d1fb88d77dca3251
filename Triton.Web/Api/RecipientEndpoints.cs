using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Triton.Core;
using Triton.Core.Lists;

namespace Triton.Web.Api;

/// <param name="Report">The import's answer once done (rows added and skipped, bad rows by line), as POST /import answers it.</param>
public sealed record ImportProgressView(string ImportId, long RowsRead, long Added, long Skipped, long Errors, bool Done,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Refusal, ImportReportView? Report);

/// <summary>An import's answer: rows added and skipped, the bad rows by line (at most 1000) and how many there were.</summary>
public sealed record ImportReportView(long Added, long Skipped, IReadOnlyList<ImportErrorView> Errors, long TotalErrors);

public sealed record ImportErrorView(long? Line, string Error);

public sealed record RecipientPage(IReadOnlyList<Dictionary<string, object?>> Items, long Total, int Page, int PageSize);

/// <summary>/api/lists/{id}/recipients, /import and /export: the people on a list, over <see cref="RecipientService"/>.</summary>
public static class RecipientEndpoints
{
    /// <summary>A CSV import may be large; every other request keeps the server's default limit.</summary>
    public const long MaxImportBytes = 1L << 30;

    /// <summary>Recipients per page when ?pageSize= is not given, and the most a page may hold.</summary>
    public const int DefaultPageSize = 50, MaxPageSize = RecipientService.MaxPageSize;

    /// <summary>A client names its import (query ?importId= or this header) to watch it from another request.</summary>
    public const string ImportIdHeader = "X-Import-Id";

    public static RouteGroupBuilder MapRecipientEndpoints(this RouteGroupBuilder api)
    {
        var list = api.MapGroup("/lists/{id:int}");
        list.MapGet("/recipients", PageAsync);
        list.MapPost("/recipients", AddAsync);
        list.MapPut("/recipients/{recipientId:long}", async (int id, long recipientId, JsonElement body, RecipientService service, CancellationToken ct) =>
            (await service.UpdateAsync(id, recipientId, Input(body), ct)).ToHttp<RecipientView, Dictionary<string, object?>>("recipient", View));
        list.MapDelete("/recipients/{recipientId:long}", async (int id, long recipientId, RecipientService service, CancellationToken ct) =>
            await service.DeleteAsync(id, recipientId, ct) is { Status: ServiceStatus.Saved } ? (IResult)TypedResults.NoContent() : ApiResults.NotFound("recipient"));
        list.MapPost("/import", ImportAsync).WithMetadata(new RequestBodyLimit(MaxImportBytes));
        list.MapGet("/imports/{importId}", async (int id, string importId, RecipientService service, CancellationToken ct) =>
            await service.ImportStatusAsync(id, importId, ct) is { } report ? (IResult)TypedResults.Ok(ProgressView(report)) : ApiResults.NotFound("import"));
        list.MapGet("/export", ExportAsync);
        return api;
    }

    private static async Task<IResult> PageAsync(int id, RecipientService service, CancellationToken cancellationToken,
        int? page = null, int? pageSize = null, string? search = null)
    {
        var (request, invalid) = PageRequest.Parse(page, pageSize, DefaultPageSize, MaxPageSize);
        if (invalid is not null) return invalid;
        if (await service.PageAsync(id, search, request.Page - 1, request.PageSize, cancellationToken) is not { } rows) return ApiResults.NotFound("list");
        return TypedResults.Ok(new RecipientPage(rows.Items.Select(View).ToList(), rows.Total, request.Page, request.PageSize));
    }

    /// <summary>The JSON shape of a recipient: id, email, user_id, each column, createdAt.</summary>
    private static Dictionary<string, object?> View(RecipientView recipient)
    {
        var view = new Dictionary<string, object?> { ["id"] = recipient.Id, ["email"] = recipient.Email, ["user_id"] = recipient.UserId };
        foreach (var (column, value) in recipient.Fields) view[column] = value;
        view["createdAt"] = recipient.CreatedAt;
        return view;
    }

    /// <summary>One JSON object as values by name: strings, numbers and booleans as text; nested values are refused.</summary>
    private static RecipientInput Input(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object) return new(null, "Each recipient must be a JSON object.");
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var property in item.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                return new(null, $"{ReportedValue.Quote(property.Name)} must be a string, number or boolean.");
            values[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => property.Value.GetRawText(),
            };
        }
        return new(values);
    }

    private static async Task<IResult> AddAsync(int id, JsonElement body, RecipientService service, CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Array)
            return GroupReferences.Invalid("body", "Send a JSON array of recipient objects.");
        var result = await service.AddManyAsync(id, body.EnumerateArray().Select(Input), cancellationToken);
        return result.Status == ServiceStatus.Saved
            ? TypedResults.Ok(new { result.Value!.Added, result.Value.Skipped, errors = result.Value.Errors.Select(e => new { index = e.Index, error = e.Error }), result.Value.TotalErrors })
            : result.ToHttp("list", v => v);
    }

    private static async Task<IResult> ImportAsync(int id, HttpContext http, RecipientService service, CancellationToken cancellationToken, string? importId = null)
    {
        // Only this route accepts bodies this large; it streams them, never buffering the file.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxImportBytes;
        importId ??= http.Request.Headers[ImportIdHeader].FirstOrDefault();
        if (importId is not null && !RecipientService.IsImportId(importId))
            return GroupReferences.Invalid("importId", "An import id is 1 to 100 letters, digits, '-' or '_'.");
        if (!await service.ListExistsAsync(id, cancellationToken)) return ApiResults.NotFound("list");
        if (!(http.Request.ContentType ?? "").StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem(title: "Send the file as text/csv.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        importId ??= Guid.NewGuid().ToString("N");
        http.Response.Headers[ImportIdHeader] = importId;
        var result = await service.ImportAsync(id, http.Request.Body, importId, http.Request.ContentLength, null, cancellationToken);
        return result.ToHttp("list", ReportView);
    }

    private static ImportReportView ReportView(ImportReport report) =>
        new(report.Added, report.Skipped, report.Errors.Select(e => new ImportErrorView(e.Line, e.Error)).ToList(), report.TotalErrors);

    private static ImportProgressView ProgressView(ImportReport report) =>
        new(report.ImportId, report.RowsRead, report.Added, report.Skipped, report.TotalErrors, report.Done, report.StartedAt, report.FinishedAt,
            report.Refusal, report.Done && report.Refusal is null ? ReportView(report) : null);

    /// <summary>The list as a CSV download; the admin's export link answers the same.</summary>
    internal static async Task<IResult> ExportAsync(int id, RecipientService service, CancellationToken cancellationToken) =>
        await service.ExportAsync(id, cancellationToken) is { } export
            ? TypedResults.Stream((stream) => export.WriteAsync(stream, cancellationToken), "text/csv", export.FileName)
            : ApiResults.NotFound("list");
}
