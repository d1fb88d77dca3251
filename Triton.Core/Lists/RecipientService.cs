using System.Text.Json;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Lists;

/// <summary>A recipient with its list's column values (every column named, blank ones null).</summary>
public sealed record RecipientView(long Id, string Email, string? UserId, IReadOnlyDictionary<string, string?> Fields, DateTimeOffset CreatedAt);

/// <summary>One recipient as sent: values by name (email, user_id, the list's columns, any casing), or why it could not be read.</summary>
public sealed record RecipientInput(IReadOnlyDictionary<string, string?>? Values, string? Error = null);

/// <summary>A list's CSV export: its file name and the writer that streams it.</summary>
public sealed record ListExport(string FileName, Func<Stream, CancellationToken, Task> WriteAsync);

/// <summary>
/// The one entry point for the people on a list, called by the API and the admin pages: server-paged
/// search by email or user_id, add, edit, delete, bulk add, the streamed CSV import (its progress and
/// report kept by <see cref="ImportTracker"/>) and the CSV export.
/// </summary>
public sealed class RecipientService(
    IDbContextFactory<TritonDbContext> contexts, RecipientBatchWriter writer, CsvRecipientImporter importer,
    ImportTracker imports, TimeProvider time, ILogger<RecipientService> logger)
{
    public const int MaxPageSize = 500;
    private const int BatchSize = 2000;

    private static async Task<MailingList?> FindListAsync(TritonDbContext db, int id, CancellationToken cancellationToken) =>
        await db.Lists.AsNoTracking().Include(l => l.Columns).FirstOrDefaultAsync(l => l.Id == id, cancellationToken);

    private static List<string> ColumnsOf(MailingList list) => list.Columns.OrderBy(c => c.Position).Select(c => c.Name).ToList();

    /// <summary>One page (0-based) of a list's recipients in the order they were added; null when there is no such list.</summary>
    /// <param name="search">Part of the email address (any case) or of the user_id.</param>
    public async Task<PageOf<RecipientView>?> PageAsync(int listId, string? search, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await FindListAsync(db, listId, cancellationToken) is not { } list) return null;
        var query = db.Recipients.AsNoTracking().Where(r => r.ListId == listId);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var text = search.Trim();
            var key = text.ToLowerInvariant();
            query = query.Where(r => r.EmailKey.Contains(key) || (r.UserId != null && r.UserId.Contains(text)));
        }
        var total = await query.LongCountAsync(cancellationToken);
        var rows = await query.OrderBy(r => r.Id).TakePage(page, pageSize, MaxPageSize).ToListAsync(cancellationToken);
        var columns = ColumnsOf(list);
        return new PageOf<RecipientView>(rows.Select(r => View(r, columns)).ToList(), total);
    }

    public async Task<RecipientView?> GetAsync(int listId, long recipientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await FindListAsync(db, listId, cancellationToken) is not { } list) return null;
        var recipient = await db.Recipients.AsNoTracking().FirstOrDefaultAsync(r => r.Id == recipientId && r.ListId == listId, cancellationToken);
        return recipient is null ? null : View(recipient, ColumnsOf(list));
    }

    private static RecipientView View(Recipient recipient, IReadOnlyList<string> columns)
    {
        var fields = JsonSerializer.Deserialize<Dictionary<string, string?>>(recipient.Fields) ?? [];
        return new RecipientView(recipient.Id, recipient.Email, recipient.UserId,
            columns.ToDictionary(c => c, c => fields.GetValueOrDefault(c), StringComparer.Ordinal), recipient.CreatedAt);
    }

    /// <summary>Values under the list's own column names, or which names the list does not have.</summary>
    private static (Dictionary<string, string?>? Values, string? Error) Map(RecipientInput input, RecipientRows rows)
    {
        if (input.Values is null) return (null, input.Error ?? "The recipient is empty.");
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var (name, value) in input.Values)
        {
            if (rows.Column(name) is { } column) values[column] = value;
            else unknown.Add(name);
        }
        return unknown.Count > 0
            ? (null, $"Unknown column(s): {string.Join(", ", unknown.Take(10).Select(ReportedValue.Quote))}{(unknown.Count > 10 ? $" and {unknown.Count - 10} more" : "")}.")
            : (values, null);
    }

    /// <summary>Adds one recipient; the address must not be on the list yet.</summary>
    public async Task<ServiceResult<RecipientView>> AddAsync(int listId, RecipientInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await FindListAsync(db, listId, cancellationToken) is not { } list) return ServiceResult<RecipientView>.NotFound();
        var rows = new RecipientRows(listId, ColumnsOf(list), time.GetUtcNow());
        var (values, error) = Map(input, rows);
        var (recipient, invalid) = values is null ? (null, error) : rows.Create(values);
        if (recipient is null) return Invalid(invalid!);
        var duplicates = await writer.WriteAsync(listId, [(0, recipient)], cancellationToken);
        if (duplicates.Count > 0) return ServiceResult<RecipientView>.Conflict($"{ReportedValue.Quote(recipient.Email)} is already in the list.");
        var saved = await db.Recipients.AsNoTracking().FirstAsync(r => r.ListId == listId && r.EmailKey == recipient.EmailKey, cancellationToken);
        return ServiceResult<RecipientView>.Saved(View(saved, ColumnsOf(list)));
    }

    /// <summary>Adds many recipients, written in batches; bad ones are reported by their index and the rest land.</summary>
    public async Task<ServiceResult<BulkAddResult>> AddManyAsync(int listId, IEnumerable<RecipientInput> inputs, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await FindListAsync(db, listId, cancellationToken) is not { } list) return ServiceResult<BulkAddResult>.NotFound();
        var rows = new RecipientRows(listId, ColumnsOf(list), time.GetUtcNow());
        var result = new BulkAddResult();
        var batch = new List<(int Position, Recipient Recipient)>(BatchSize);
        var index = 0;
        foreach (var input in inputs)
        {
            var (values, error) = Map(input, rows);
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
        return ServiceResult<BulkAddResult>.Saved(result);

        async Task FlushAsync()
        {
            var byPosition = batch.ToDictionary(b => b.Position, b => b.Recipient);
            var duplicates = await writer.WriteAsync(listId, batch, cancellationToken);
            foreach (var position in duplicates)
            {
                result.Skipped++;
                result.Fail(new RowError(position, null, $"{ReportedValue.Quote(byPosition[position].Email)} is already in the list."));
            }
            result.Added += batch.Count - duplicates.Count;
            batch.Clear();
        }
    }

    public async Task<ServiceResult<RecipientView>> UpdateAsync(int listId, long recipientId, RecipientInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await FindListAsync(db, listId, cancellationToken) is not { } list) return ServiceResult<RecipientView>.NotFound();
        var recipient = await db.Recipients.FirstOrDefaultAsync(r => r.Id == recipientId && r.ListId == listId, cancellationToken);
        if (recipient is null) return ServiceResult<RecipientView>.NotFound();
        var rows = new RecipientRows(listId, ColumnsOf(list), time.GetUtcNow());
        var (values, error) = Map(input, rows);
        var (updated, invalid) = values is null ? (null, error) : rows.Create(values);
        if (updated is null) return Invalid(invalid!);
        if (await db.Recipients.AnyAsync(r => r.ListId == listId && r.EmailKey == updated.EmailKey && r.Id != recipientId, cancellationToken))
            return ServiceResult<RecipientView>.Conflict($"'{updated.Email}' is already in the list.");
        recipient.Email = updated.Email;
        recipient.EmailKey = updated.EmailKey;
        recipient.UserId = updated.UserId;
        recipient.Fields = updated.Fields;
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<RecipientView>.Saved(View(recipient, ColumnsOf(list)));
    }

    public async Task<ServiceResult<long>> DeleteAsync(int listId, long recipientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var deleted = await db.Recipients.Where(r => r.Id == recipientId && r.ListId == listId).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? ServiceResult<long>.NotFound() : ServiceResult<long>.Saved(recipientId);
    }

    /// <summary>An error about the address names the email field; any other the recipient as a whole.</summary>
    private static ServiceResult<RecipientView> Invalid(string error) =>
        ServiceResult<RecipientView>.Invalid(error.Contains("email", StringComparison.OrdinalIgnoreCase) ? "email" : "body", error);

    public async Task<bool> ListExistsAsync(int listId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Lists.AnyAsync(l => l.Id == listId, cancellationToken);
    }

    public static bool IsImportId(string value) =>
        value.Length is > 0 and <= 100 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// Streams a CSV file into the list: good rows land, bad ones are reported by line. Progress and
    /// the final report are kept under the import id (a new one when null) for any instance to show.
    /// </summary>
    /// <param name="size">The file's size when known, for a progress bar.</param>
    /// <param name="watch">Called with the import's handle before reading starts (to follow it in process).</param>
    public async Task<ServiceResult<ImportReport>> ImportAsync(int listId, Stream file, string? importId, long? size,
        Action<ImportProgress>? watch, CancellationToken cancellationToken)
    {
        if (importId is not null && !IsImportId(importId))
            return ServiceResult<ImportReport>.Invalid("importId", "An import id is 1 to 100 letters, digits, '-' or '_'.");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await FindListAsync(db, listId, cancellationToken) is not { } list) return ServiceResult<ImportReport>.NotFound();
        importId ??= Guid.NewGuid().ToString("N");
        if (await imports.StartAsync(listId, importId, size, cancellationToken) is not { } progress)
            return ServiceResult<ImportReport>.Conflict($"Import '{importId}' is still running on this list.");
        watch?.Invoke(progress);
        BulkAddResult? result = null;
        string? refusal = null;
        try
        {
            result = await importer.ImportAsync(list, progress.Watch(file), progress, cancellationToken);
        }
        catch (CsvImportRefusedException exception)
        {
            refusal = exception.Message;
        }
        finally
        {
            await imports.FinishAsync(progress, result?.RowsRead ?? 0, result, refusal);
        }
        logger.LogInformation("Import {ImportId} into list {ListId}: {Added} added, {Skipped} skipped{Refusal}.",
            importId, listId, result?.Added ?? 0, result?.Skipped ?? 0, refusal is null ? "" : " (refused)");
        var report = await imports.FindAsync(listId, importId, CancellationToken.None);
        if (refusal is not null) return ServiceResult<ImportReport>.Invalid("file", refusal);
        return ServiceResult<ImportReport>.Saved(report!);
    }

    /// <summary>An import's progress or report, from whichever instance ran it; null when unknown.</summary>
    public Task<ImportReport?> ImportStatusAsync(int listId, string importId, CancellationToken cancellationToken) =>
        IsImportId(importId) ? imports.FindAsync(listId, importId, cancellationToken) : Task.FromResult<ImportReport?>(null);

    /// <summary>The list's newest import, for the list page.</summary>
    public Task<ImportReport?> LatestImportAsync(int listId, CancellationToken cancellationToken) => imports.LatestAsync(listId, cancellationToken);

    /// <summary>The list as CSV (email, user_id, then its columns), streamed from the database; null when there is no such list.</summary>
    public async Task<ListExport?> ExportAsync(int listId, CancellationToken cancellationToken)
    {
        List<string> columns;
        string name;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (await FindListAsync(db, listId, cancellationToken) is not { } list) return null;
            columns = ColumnsOf(list);
            name = list.Name;
        }
        return new ListExport($"{name}.csv", async (stream, ct) =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            await using var csv = CsvWriter.Create(stream, CsvFiles.Writer, leaveOpen: true);
            csv.WriteField("email");
            csv.WriteField("user_id");
            foreach (var column in columns) csv.WriteField(column);
            await csv.EndRecordAsync(ct);
            // Streamed in id order straight from the database: a large list is never held in memory.
            await foreach (var recipient in db.Recipients.AsNoTracking().Where(r => r.ListId == listId).OrderBy(r => r.Id)
                .AsAsyncEnumerable().WithCancellation(ct))
            {
                var fields = JsonSerializer.Deserialize<Dictionary<string, string?>>(recipient.Fields) ?? [];
                csv.WriteField(recipient.Email);
                csv.WriteField(recipient.UserId);
                foreach (var column in columns) csv.WriteField(fields.GetValueOrDefault(column));
                await csv.EndRecordAsync(ct);
            }
            await csv.FlushAsync(ct);
        });
    }
}
