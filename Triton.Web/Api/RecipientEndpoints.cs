using System.Text.Json;
using CsvHelper;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Lists;

namespace Triton.Web.Api;

public sealed record ImportProgressView(string ImportId, long RowsRead, long Added, long Skipped, long Errors, bool Done,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

public sealed record RecipientPage(IReadOnlyList<Dictionary<string, object?>> Items, long Total, int Page, int PageSize);

/// <summary>/api/lists/{id}/recipients, /import and /export: the people on a list.</summary>
public static class RecipientEndpoints
{
    /// <summary>A CSV import may be large; every other request keeps the server's default limit.</summary>
    public const long MaxImportBytes = 1L << 30;

    private const int BatchSize = 2000;

    /// <summary>Recipients per page when ?pageSize= is not given, and the most a page may hold.</summary>
    public const int DefaultPageSize = 50, MaxPageSize = 500;

    /// <summary>A client names its import (query ?importId= or this header) to watch it from another request.</summary>
    public const string ImportIdHeader = "X-Import-Id";

    public static RouteGroupBuilder MapRecipientEndpoints(this RouteGroupBuilder api)
    {
        var list = api.MapGroup("/lists/{id:int}");
        list.MapGet("/recipients", PageAsync);
        list.MapPost("/recipients", AddAsync);
        list.MapPut("/recipients/{recipientId:long}", UpdateAsync);
        list.MapDelete("/recipients/{recipientId:long}", DeleteAsync);
        list.MapPost("/import", ImportAsync).WithMetadata(new RequestBodyLimit(MaxImportBytes));
        list.MapGet("/imports/{importId}", ImportProgressAsync);
        list.MapGet("/export", ExportAsync);
        return api;
    }

    private static Task<MailingList?> FindListAsync(TritonDbContext db, int id, CancellationToken cancellationToken) =>
        db.Lists.AsNoTracking().Include(l => l.Columns).FirstOrDefaultAsync(l => l.Id == id, cancellationToken);

    private static async Task<IResult> PageAsync(int id, TritonDbContext db, CancellationToken cancellationToken,
        int? page = null, int? pageSize = null, string? search = null)
    {
        var (request, invalid) = PageRequest.Parse(page, pageSize, DefaultPageSize, MaxPageSize);
        if (invalid is not null) return invalid;
        if (await FindListAsync(db, id, cancellationToken) is not { } list) return TypedResults.NotFound();
        var query = db.Recipients.AsNoTracking().Where(r => r.ListId == id);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var key = search.Trim().ToLowerInvariant();
            query = query.Where(r => r.EmailKey.Contains(key) || (r.UserId != null && r.UserId.Contains(search.Trim())));
        }
        var total = await query.LongCountAsync(cancellationToken);
        var rows = await query.OrderBy(r => r.Id).Skip(request.Skip).Take(request.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new RecipientPage(rows.Select(r => View(r, list)).ToList(), total, request.Page, request.PageSize));
    }

    private static Dictionary<string, object?> View(Recipient recipient, MailingList list)
    {
        var fields = JsonSerializer.Deserialize<Dictionary<string, string?>>(recipient.Fields) ?? [];
        var view = new Dictionary<string, object?> { ["id"] = recipient.Id, ["email"] = recipient.Email, ["user_id"] = recipient.UserId };
        foreach (var column in list.Columns.OrderBy(c => c.Position)) view[column.Name] = fields.GetValueOrDefault(column.Name);
        view["createdAt"] = recipient.CreatedAt;
        return view;
    }

    /// <summary>Reads one JSON object into list values, or says what is wrong with it.</summary>
    private static (Dictionary<string, string?>? Values, string? Error) Values(JsonElement item, RecipientRows rows)
    {
        if (item.ValueKind != JsonValueKind.Object) return (null, "Each recipient must be a JSON object.");
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var property in item.EnumerateObject())
        {
            if (rows.Column(property.Name) is not { } column) { unknown.Add(property.Name); continue; }
            values[column] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                JsonValueKind.Object or JsonValueKind.Array => null,
                _ => property.Value.GetRawText(),
            };
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                return (null, $"{ReportedValue.Quote(property.Name)} must be a string, number or boolean.");
        }
        return unknown.Count > 0 ? (null, $"Unknown column(s): {string.Join(", ", unknown.Take(10).Select(ReportedValue.Quote))}{(unknown.Count > 10 ? $" and {unknown.Count - 10} more" : "")}.") : (values, null);
    }

    private static async Task<IResult> AddAsync(int id, JsonElement body, TritonDbContext db, RecipientBatchWriter writer, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await FindListAsync(db, id, cancellationToken) is not { } list) return TypedResults.NotFound();
        if (body.ValueKind != JsonValueKind.Array)
            return GroupReferences.Invalid("body", "Send a JSON array of recipient objects.");
        var rows = new RecipientRows(id, list.Columns.Select(c => c.Name), time.GetUtcNow());
        var result = new BulkAddResult();
        var batch = new List<(int Position, Recipient Recipient)>(BatchSize);
        var index = 0;
        foreach (var item in body.EnumerateArray())
        {
            var (values, error) = Values(item, rows);
            var (recipient, invalid) = values is null ? (null, error) : rows.Create(values);
            if (recipient is null)
            {
                result.Skipped++;
                result.Fail(new RowError(index, null, invalid!));
            }
            else
            {
                batch.Add((index, recipient));
                if (batch.Count >= BatchSize) await FlushAsync();
            }
            index++;
        }
        await FlushAsync();
        result.Errors.Sort((a, b) => a.Index!.Value.CompareTo(b.Index!.Value));
        return TypedResults.Ok(new { result.Added, result.Skipped, errors = result.Errors.Select(e => new { index = e.Index, error = e.Error }), result.TotalErrors });

        async Task FlushAsync()
        {
            var byPosition = batch.ToDictionary(b => b.Position, b => b.Recipient);
            var duplicates = await writer.WriteAsync(id, batch, cancellationToken);
            foreach (var position in duplicates)
            {
                result.Skipped++;
                result.Fail(new RowError(position, null, $"{ReportedValue.Quote(byPosition[position].Email)} is already in the list."));
            }
            result.Added += batch.Count - duplicates.Count;
            batch.Clear();
        }
    }

    private static async Task<IResult> UpdateAsync(int id, long recipientId, JsonElement body, TritonDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await FindListAsync(db, id, cancellationToken) is not { } list) return TypedResults.NotFound();
        var recipient = await db.Recipients.FirstOrDefaultAsync(r => r.Id == recipientId && r.ListId == id, cancellationToken);
        if (recipient is null) return TypedResults.NotFound();
        var rows = new RecipientRows(id, list.Columns.Select(c => c.Name), time.GetUtcNow());
        var (values, error) = Values(body, rows);
        var (updated, invalid) = values is null ? (null, error) : rows.Create(values);
        if (updated is null) return GroupReferences.Invalid(invalid!.Contains("email", StringComparison.OrdinalIgnoreCase) ? "email" : "body", invalid);
        if (await db.Recipients.AnyAsync(r => r.ListId == id && r.EmailKey == updated.EmailKey && r.Id != recipientId, cancellationToken))
            return TypedResults.Problem(title: $"'{updated.Email}' is already in the list.", statusCode: StatusCodes.Status409Conflict);
        recipient.Email = updated.Email;
        recipient.EmailKey = updated.EmailKey;
        recipient.UserId = updated.UserId;
        recipient.Fields = updated.Fields;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(View(recipient, list));
    }

    private static async Task<IResult> DeleteAsync(int id, long recipientId, TritonDbContext db, CancellationToken cancellationToken)
    {
        var deleted = await db.Recipients.Where(r => r.Id == recipientId && r.ListId == id).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    private static async Task<IResult> ImportAsync(int id, HttpContext http, TritonDbContext db, CsvRecipientImporter importer,
        ImportProgressRegistry imports, TimeProvider time, CancellationToken cancellationToken, string? importId = null)
    {
        // Only this route accepts bodies this large; it streams them, never buffering the file.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxImportBytes;
        importId ??= http.Request.Headers[ImportIdHeader].FirstOrDefault();
        if (importId is not null && !IsImportId(importId))
            return GroupReferences.Invalid("importId", "An import id is 1 to 100 letters, digits, '-' or '_'.");
        if (await FindListAsync(db, id, cancellationToken) is not { } list) return TypedResults.NotFound();
        var contentType = http.Request.ContentType ?? "";
        if (!contentType.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem(title: "Send the file as text/csv.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        importId ??= Guid.NewGuid().ToString("N");
        if (imports.Start(id, importId) is not { } progress)
            return TypedResults.Problem(title: $"Import '{importId}' is still running on this list.", statusCode: StatusCodes.Status409Conflict);
        http.Response.Headers[ImportIdHeader] = importId;
        try
        {
            var result = await importer.ImportAsync(list, http.Request.Body, progress, cancellationToken);
            return TypedResults.Ok(new { result.Added, result.Skipped, errors = result.Errors.Select(e => new { line = e.Line, error = e.Error }), result.TotalErrors });
        }
        catch (CsvImportRefusedException exception)
        {
            return GroupReferences.Invalid("file", exception.Message);
        }
        finally
        {
            progress.Finish(time.GetUtcNow());
        }
    }

    internal static bool IsImportId(string value) =>
        value.Length is > 0 and <= 100 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Rows read, added, skipped and errors so far of an import running (or recently finished) in this process.</summary>
    private static IResult ImportProgressAsync(int id, string importId, ImportProgressRegistry imports) =>
        imports.Find(id, importId) is { } progress
            ? TypedResults.Ok(new ImportProgressView(progress.ImportId, progress.RowsRead, progress.Added, progress.Skipped,
                progress.Errors, progress.Done, progress.StartedAt, progress.FinishedAt))
            : TypedResults.NotFound();

    internal static async Task<IResult> ExportAsync(int id, TritonDbContext db, CancellationToken cancellationToken)
    {
        if (await FindListAsync(db, id, cancellationToken) is not { } list) return TypedResults.NotFound();
        var columns = list.Columns.OrderBy(c => c.Position).Select(c => c.Name).ToList();
        return TypedResults.Stream(async stream =>
        {
            await using var csv = CsvWriter.Create(stream, CsvFiles.Writer, leaveOpen: true);
            csv.WriteField("email");
            csv.WriteField("user_id");
            foreach (var column in columns) csv.WriteField(column);
            await csv.EndRecordAsync(cancellationToken);
            // Streamed in id order straight from the database: a large list is never held in memory.
            await foreach (var recipient in db.Recipients.AsNoTracking().Where(r => r.ListId == id).OrderBy(r => r.Id)
                .AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                var fields = JsonSerializer.Deserialize<Dictionary<string, string?>>(recipient.Fields) ?? [];
                csv.WriteField(recipient.Email);
                csv.WriteField(recipient.UserId);
                foreach (var column in columns) csv.WriteField(fields.GetValueOrDefault(column));
                await csv.EndRecordAsync(cancellationToken);
            }
            await csv.FlushAsync(cancellationToken);
        }, "text/csv", $"{list.Name}.csv");
    }
}
