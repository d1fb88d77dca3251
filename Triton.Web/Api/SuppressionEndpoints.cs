using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Triton.Core.Lists;
using Triton.Core.Suppressions;

namespace Triton.Web.Api;

/// <summary>/api/suppressions: the addresses no campaign sends to, through <see cref="SuppressionService"/>.</summary>
public static class SuppressionEndpoints
{
    public const int DefaultPageSize = 50, MaxPageSize = 500;

    /// <summary>A suppression list can be large (a whole provider's export); it is streamed, never buffered.</summary>
    public const long MaxImportBytes = 256L << 20;

    private const string Source = "api";

    public static void MapSuppressionEndpoints(this RouteGroupBuilder api)
    {
        var suppressions = api.MapGroup("/suppressions");
        suppressions.MapGet("/", PageAsync);
        suppressions.MapPost("/", AddAsync);
        suppressions.MapDelete("/{email}", DeleteAsync);
        suppressions.MapPost("/import", ImportAsync).WithMetadata(new RequestBodyLimit(MaxImportBytes));
        suppressions.MapGet("/export", Export);
    }

    private static async Task<IResult> PageAsync(SuppressionService service, CancellationToken ct, int? page = null, int? pageSize = null, string? search = null)
    {
        var (request, invalid) = PageRequest.Parse(page, pageSize, DefaultPageSize, MaxPageSize);
        if (invalid is not null) return invalid;
        return TypedResults.Ok(await service.PageAsync(search, request.Page, request.PageSize, ct));
    }

    /// <summary>
    /// One object ({email, reason}) answers the stored suppression (201, or 400 naming the field); an
    /// array of them answers how many landed and each bad one by index, as the recipients API does.
    /// </summary>
    private static async Task<IResult> AddAsync(JsonElement body, SuppressionService service, CancellationToken ct)
    {
        if (body.ValueKind == JsonValueKind.Object)
        {
            var input = Read(body, out var error);
            if (input is null) return GroupReferences.Invalid("body", error!);
            return (await service.AddOneAsync(input, Source, ct)).ToHttp("suppression", v => v, "/api/suppressions");
        }
        if (body.ValueKind != JsonValueKind.Array)
            return GroupReferences.Invalid("body", "Send a JSON object {email, reason} or an array of them.");
        var items = new List<SuppressionInput>();
        var unreadable = new List<RowError>();
        var index = 0;
        foreach (var item in body.EnumerateArray())
        {
            // An unreadable item keeps its place: an empty input fails validation with its index.
            items.Add(Read(item, out var error) ?? new SuppressionInput());
            if (error is not null) unreadable.Add(new RowError(index, null, error));
            index++;
        }
        var result = await service.AddAsync(items, Source, ct);
        var errors = result.Errors.Where(e => unreadable.All(u => u.Index != e.Index)).Concat(unreadable).OrderBy(e => e.Index);
        return TypedResults.Ok(new { result.Added, result.Skipped, errors = errors.Select(e => new { index = e.Index, error = e.Error }), result.TotalErrors });
    }

    private static SuppressionInput? Read(JsonElement item, out string? error)
    {
        error = null;
        if (item.ValueKind != JsonValueKind.Object)
        {
            error = "Each suppression must be a JSON object {email, reason}.";
            return null;
        }
        var input = new SuppressionInput();
        foreach (var property in item.EnumerateObject())
        {
            var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            if (property.NameEquals("email")) input.Email = text;
            else if (property.NameEquals("reason")) input.Reason = text;
            else
            {
                error = $"Unknown field '{property.Name}': a suppression has email and reason.";
                return null;
            }
        }
        return input;
    }

    private static async Task<IResult> DeleteAsync(string email, SuppressionService service, CancellationToken ct) =>
        (await service.RemoveByEmailAsync(email, ct)).Status == Core.ServiceStatus.Saved ? TypedResults.NoContent() : ApiResults.NotFound("suppression");

    /// <summary>The list as CSV, streamed; the admin's download link answers the same.</summary>
    internal static IResult Export(SuppressionService service, string? search, CancellationToken ct) =>
        TypedResults.Stream(stream => service.ExportCsvAsync(stream, search, ct), "text/csv; charset=utf-8", "suppressions.csv");

    private static async Task<IResult> ImportAsync(HttpContext http, SuppressionService service, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxImportBytes;
        if (!(http.Request.ContentType ?? "").StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem(title: "Send the file as text/csv.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        try
        {
            var result = await service.ImportCsvAsync(http.Request.Body, Source, ct);
            return TypedResults.Ok(new { result.Added, result.Skipped, errors = result.Errors.Select(e => new { line = e.Line, error = e.Error }), result.TotalErrors });
        }
        catch (CsvImportRefusedException exception)
        {
            return GroupReferences.Invalid("file", exception.Message);
        }
    }
}
