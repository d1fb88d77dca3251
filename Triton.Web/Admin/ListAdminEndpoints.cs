using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Lists;
using Triton.Web.Access;
using Triton.Web.Api;
using Triton.Web.Components.Lists;

namespace Triton.Web.Admin;

/// <summary>
/// The list pages' endpoints outside components: the recipient table and import status as htmx
/// fragments, the CSV export, the streamed CSV upload and the recipient delete action.
/// </summary>
public static class ListAdminEndpoints
{
    /// <summary>The multipart field of the uploaded file.</summary>
    public const string FileField = "file";

    public static IEndpointRouteBuilder MapListAdmin(this IEndpointRouteBuilder app)
    {
        var list = app.MapGroup("/lists/{id:int}");
        list.MapGet("/recipients", RecipientsAsync).RequireAuthorization(AdminRoles.CanView);
        list.MapGet("/imports/{importId}", ImportStatus).RequireAuthorization(AdminRoles.CanView);
        list.MapGet("/export", (int id, TritonDbContext db, CancellationToken ct) => RecipientEndpoints.ExportAsync(id, db, ct))
            .RequireAuthorization(AdminRoles.CanView);
        // The token is checked by the endpoint itself (header, or the form's first field) so the file streams unread.
        list.MapPost("/import", ImportAsync).RequireAuthorization(AdminRoles.CanEdit)
            .WithMetadata(new RequestBodyLimit(RecipientEndpoints.MaxImportBytes));
        list.MapPost("/recipients/{recipientId:long}/delete", DeleteRecipientAsync)
            .RequireAuthorization(AdminRoles.CanEdit).RequireAntiforgery();
        return app;
    }

    private static Task<List<string>?> ColumnsAsync(TritonDbContext db, int id, CancellationToken ct) =>
        db.Lists.AsNoTracking().Where(l => l.Id == id)
            .Select(l => l.Columns.OrderBy(c => c.Position).Select(c => c.Name).ToList())
            .FirstOrDefaultAsync(ct);

    private static bool CanEdit(HttpContext http) =>
        http.User.IsInRole(AdminRoles.Admin) || http.User.IsInRole(AdminRoles.Editor);

    private static async Task<IResult> RecipientsAsync(int id, HttpContext http, TritonDbContext db, UserManager<AdminUser> users,
        CancellationToken ct, string? q = null, string? page = null)
    {
        // Typed or edited by hand in the address bar: the table clamps any number to its pages.
        var number = PageRequest.NumberFrom(page);
        if (await ColumnsAsync(db, id, ct) is not { } columns) return Results.NotFound();
        // Searching and paging keep the address bar in step, so reload and back show the same rows;
        // a refresh after an import (triggered on the table itself) does not add a history entry.
        if (http.Request.Headers["HX-Trigger"] != "recipients")
            http.Response.Headers["HX-Push-Url"] = $"/lists/{id}?q={Uri.EscapeDataString(q ?? "")}&page={number}";
        return new RazorComponentResult<RecipientTable>(new Dictionary<string, object?>
        {
            [nameof(RecipientTable.ListId)] = id,
            [nameof(RecipientTable.Columns)] = columns,
            [nameof(RecipientTable.Query)] = q,
            [nameof(RecipientTable.PageNumber)] = number,
            [nameof(RecipientTable.PageSize)] = await ListPaging.PageSizeAsync(users, http.User),
            [nameof(RecipientTable.CanEdit)] = CanEdit(http),
        });
    }

    private static IResult ImportStatus(int id, string importId, int attempt = 0) =>
        RecipientEndpoints.IsImportId(importId)
            ? new RazorComponentResult<ImportStatus>(new Dictionary<string, object?>
            {
                [nameof(Components.Lists.ImportStatus.ListId)] = id,
                [nameof(Components.Lists.ImportStatus.ImportId)] = importId,
                [nameof(Components.Lists.ImportStatus.Attempt)] = attempt,
            })
            : Results.NotFound();

    /// <summary>
    /// A multipart upload read section by section: the antiforgery token (a header, or the first
    /// form field), then the file, whose body streams straight into the CSV importer.
    /// </summary>
    private static async Task<IResult> ImportAsync(int id, HttpContext http, TritonDbContext db, IAntiforgery antiforgery,
        IOptions<AntiforgeryOptions> antiforgeryOptions, CsvRecipientImporter importer, ImportProgressRegistry imports,
        TimeProvider time, CancellationToken ct, string? importId = null)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = RecipientEndpoints.MaxImportBytes;
        importId ??= Guid.NewGuid().ToString("N");
        if (!RecipientEndpoints.IsImportId(importId))
            return Results.Problem("An import id is 1 to 100 letters, digits, '-' or '_'.", statusCode: StatusCodes.Status400BadRequest);
        var list = await db.Lists.AsNoTracking().Include(l => l.Columns).FirstOrDefaultAsync(l => l.Id == id, ct);
        if (list is null) return Results.NotFound();
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
            return Results.Problem("Upload the file from the list page's form (multipart/form-data).", statusCode: StatusCodes.Status415UnsupportedMediaType);

        var options = antiforgeryOptions.Value;
        var tokenChecked = false;
        if (options.HeaderName is { } header && http.Request.Headers.ContainsKey(header))
        {
            if (!await TokenValidAsync()) return BadToken();
            tokenChecked = true;
        }
        var reader = new MultipartReader(boundary, http.Request.Body);
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            if (!tokenChecked && name == options.FormFieldName && options.HeaderName is { } tokenHeader)
            {
                // The browser sends fields in page order: the token field comes before the file.
                using var text = new StreamReader(section.Body);
                var buffer = new char[4096];
                var length = await text.ReadBlockAsync(buffer, ct);
                http.Request.Headers[tokenHeader] = new string(buffer, 0, length);
                if (!await TokenValidAsync()) return BadToken();
                tokenChecked = true;
            }
            else if (name == FileField && disposition.IsFileDisposition())
            {
                if (!tokenChecked) return BadToken();
                return await RunImportAsync(section.Body);
            }
        }
        return tokenChecked
            ? Results.Problem("Choose a CSV file to upload.", statusCode: StatusCodes.Status400BadRequest)
            : BadToken();

        async Task<bool> TokenValidAsync()
        {
            try
            {
                await antiforgery.ValidateRequestAsync(http);
                return true;
            }
            catch (AntiforgeryValidationException)
            {
                return false;
            }
        }

        async Task<IResult> RunImportAsync(Stream file)
        {
            if (imports.Start(id, importId) is not { } progress)
                return Results.Problem($"Import '{importId}' is still running on this list.", statusCode: StatusCodes.Status409Conflict);
            BulkAddResult? result = null;
            string? refusal = null;
            try
            {
                result = await importer.ImportAsync(list, file, progress, ct);
            }
            catch (CsvImportRefusedException exception)
            {
                refusal = exception.Message;
            }
            finally
            {
                progress.Finish(time.GetUtcNow(), result, refusal);
            }
            if (!http.Request.Headers.ContainsKey("HX-Request"))
                return Results.LocalRedirect($"/lists/{id}?import={importId}#import");
            http.Response.Headers["HX-Trigger"] = "recipients-changed";
            return new RazorComponentResult<ImportPanel>(new Dictionary<string, object?>
            {
                [nameof(ImportPanel.ListId)] = id,
                [nameof(ImportPanel.Columns)] = list.Columns.OrderBy(c => c.Position).Select(c => c.Name).ToList(),
                [nameof(ImportPanel.ShownImportId)] = importId,
            });
        }
    }

    private static IResult BadToken() =>
        Results.Problem("The form's antiforgery token is missing or invalid.", statusCode: StatusCodes.Status400BadRequest);

    private static async Task<IResult> DeleteRecipientAsync(int id, long recipientId, TritonDbContext db, CancellationToken ct)
    {
        var deleted = await db.Recipients.Where(r => r.Id == recipientId && r.ListId == id).ExecuteDeleteAsync(ct);
        return deleted == 0
            ? Results.NotFound()
            : Results.LocalRedirect($"/lists/{id}?notice={Uri.EscapeDataString("Recipient deleted.")}");
    }
}
