using CsvHelper;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Lists;
using static Triton.Core.Data.StoreExecutor;
using static Triton.Core.Sending.SqlDialect;

namespace Triton.Core.Suppressions;

/// <summary>
/// The suppression list: the one entry point the API, the admin, unsubscribes and bounces use to add,
/// remove, page and look up suppressed addresses. Addresses are stored as the recipients' email key
/// (trimmed, lower-cased), so the engine's set-based checks are exact joins.
/// </summary>
public sealed class SuppressionService(
    IDbContextFactory<TritonDbContext> contexts,
    StoreExecutor store,
    TimeProvider time)
{
    private static readonly SuppressionInputValidator Validator = new();
    private const int ImportBatchSize = 1000;

    /// <summary>Adds addresses given by people (API, admin): each is validated; bad ones are reported by index, good ones land.</summary>
    public async Task<BulkAddResult> AddAsync(IReadOnlyList<SuppressionInput> items, string source, CancellationToken cancellationToken)
    {
        var result = new BulkAddResult();
        var valid = new List<(string Email, SuppressionReason Reason)>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (Check(items[i]) is { } error)
            {
                result.Skipped++;
                result.Fail(new RowError(i, null, error));
                continue;
            }
            valid.Add(Normalize(items[i]));
        }
        var added = await SuppressAsync(valid, source, cancellationToken);
        result.Added = added;
        result.Skipped += valid.Count - added;
        return result;
    }

    /// <summary>Adds one address; Invalid naming the field, or the stored row (the existing one if it was there already).</summary>
    public async Task<ServiceResult<SuppressionView>> AddOneAsync(SuppressionInput input, string source, CancellationToken cancellationToken)
    {
        var validation = await Validator.ValidateAsync(input, cancellationToken);
        if (!validation.IsValid) return ServiceResult<SuppressionView>.Invalid(ValidationErrors.Of(validation));
        var (email, reason) = Normalize(input);
        await SuppressAsync([(email, reason)], source, cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Suppressions.AsNoTracking().FirstAsync(s => s.Email == email, cancellationToken);
        return ServiceResult<SuppressionView>.Saved(SuppressionView.Of(row));
    }

    /// <summary>
    /// Suppresses addresses Triton learnt of itself (an unsubscribe, a bounce): already suppressed ones
    /// keep their first reason. Answers how many were new.
    /// </summary>
    public Task<int> SuppressAsync(IReadOnlyCollection<(string Email, SuppressionReason Reason)> entries, string source, CancellationToken cancellationToken) =>
        entries.Count == 0 ? Task.FromResult(0) : store.InTransactionAsync((connection, transaction, ct) =>
            InsertAsync(connection, transaction, entries, source, time.GetUtcNow(), ct), cancellationToken);

    /// <summary>The insert itself, for callers that suppress inside their own transaction (the result writer).</summary>
    public static async Task<int> InsertAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction,
        IEnumerable<(string Email, SuppressionReason Reason)> entries, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, transaction, """
            INSERT INTO suppressions (email, reason, source, created_at) VALUES (@email, @reason, @source, @now)
            ON CONFLICT (email) DO NOTHING
            """);
        var email = AddParameter(insert, "@email", "");
        var reason = AddParameter(insert, "@reason", 0);
        AddParameter(insert, "@source", Limit(source, 200));
        AddParameter(insert, "@now", now);
        var added = 0;
        foreach (var entry in entries)
        {
            email.Value = EmailAddresses.Key(entry.Email);
            reason.Value = (int)entry.Reason;
            added += await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        return added;
    }

    public async Task<ServiceResult<SuppressionView>> RemoveAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Suppressions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (row is null) return ServiceResult<SuppressionView>.NotFound();
        await db.Suppressions.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
        return ServiceResult<SuppressionView>.Saved(SuppressionView.Of(row));
    }

    public async Task<ServiceResult<SuppressionView>> RemoveByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var key = EmailAddresses.Key(email);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var id = await db.Suppressions.Where(s => s.Email == key).Select(s => (long?)s.Id).FirstOrDefaultAsync(cancellationToken);
        return id is null ? ServiceResult<SuppressionView>.NotFound() : await RemoveAsync(id.Value, cancellationToken);
    }

    public async Task<SuppressionView?> FindAsync(string email, CancellationToken cancellationToken)
    {
        var key = EmailAddresses.Key(email);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Suppressions.AsNoTracking().FirstOrDefaultAsync(s => s.Email == key, cancellationToken);
        return row is null ? null : SuppressionView.Of(row);
    }

    /// <summary>One page, newest first; <paramref name="search"/> matches part of the address or the source.</summary>
    public async Task<SuppressionPage> PageAsync(string? search, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = Search(db, search);
        var total = await query.LongCountAsync(cancellationToken);
        // Newest first by id: SQLite cannot order by DateTimeOffset, and ids follow insertion.
        var rows = await query.OrderByDescending(s => s.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new SuppressionPage(rows.Select(SuppressionView.Of).ToList(), total, page, pageSize);
    }

    /// <summary>Which of these addresses are suppressed, and why: one query per 500 addresses.</summary>
    public async Task<Dictionary<string, SuppressionReason>> SuppressedAsync(IEnumerable<string> emails, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, SuppressionReason>(StringComparer.Ordinal);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        foreach (var chunk in emails.Select(EmailAddresses.Key).Distinct().Chunk(500))
        {
            var rows = await db.Suppressions.AsNoTracking().Where(s => chunk.Contains(s.Email))
                .Select(s => new { s.Email, s.Reason }).ToListAsync(cancellationToken);
            foreach (var row in rows) found[row.Email] = row.Reason;
        }
        return found;
    }

    /// <summary>
    /// Imports a CSV file with a header row naming <c>email</c> and optionally <c>reason</c>; bad rows
    /// are reported by line, good ones land in batches.
    /// </summary>
    public async Task<BulkAddResult> ImportCsvAsync(Stream body, string source, CancellationToken cancellationToken)
    {
        var result = new BulkAddResult();
        var options = new CsvReaderOptions { TrackLineNumbers = true, AllowLineBreaksInQuotes = true, SkipEmptyLines = true, MaxRecordSize = 64 * 1024 };
        await using var csv = CsvReader.Create(body, options, leaveOpen: true);
        IReadOnlyList<string> header;
        try
        {
            await csv.ReadHeaderAsync(cancellationToken);
            header = [.. csv.Headers];
        }
        catch (CsvFormatException exception)
        {
            throw new CsvImportRefusedException($"The header row cannot be read: {exception.Message}");
        }
        var emailColumn = IndexOf(header, "email");
        if (emailColumn < 0) throw new CsvImportRefusedException("The header row has no email column.");
        var reasonColumn = IndexOf(header, "reason");

        var batch = new List<(string Email, SuppressionReason Reason)>(ImportBatchSize);
        while (true)
        {
            try
            {
                if (!await csv.ReadAsync(cancellationToken)) break;
            }
            catch (CsvFormatException exception)
            {
                result.Fail(new RowError(null, exception.LineNumber, $"The file cannot be read further: {exception.Message}"));
                break;
            }
            var input = new SuppressionInput
            {
                Email = emailColumn < csv.FieldCount ? csv.GetString(emailColumn) : null,
                Reason = reasonColumn >= 0 && reasonColumn < csv.FieldCount ? csv.GetString(reasonColumn) : null,
            };
            if (Check(input) is { } error)
            {
                result.Skipped++;
                result.Fail(new RowError(null, csv.LineNumber, error));
                continue;
            }
            batch.Add(Normalize(input));
            if (batch.Count >= ImportBatchSize) await FlushAsync();
        }
        await FlushAsync();
        return result;

        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            var added = await SuppressAsync(batch, source, cancellationToken);
            result.Added += added;
            result.Skipped += batch.Count - added;
            batch.Clear();
        }
    }

    /// <summary>Streams the list (or the part matching <paramref name="search"/>) as CSV, formulas escaped as every Triton export.</summary>
    public async Task ExportCsvAsync(Stream destination, string? search, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var csv = CsvWriter.Create(destination, CsvFiles.Writer, true);
        await csv.WriteRecordAsync(["email", "reason", "source", "createdAt"], cancellationToken);
        await foreach (var row in Search(db, search).OrderBy(s => s.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
            await csv.WriteRecordAsync([row.Email, EnumNames.Name(row.Reason), row.Source,
                row.CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)], cancellationToken);
        await csv.FlushAsync(cancellationToken);
    }

    private static IQueryable<Suppression> Search(TritonDbContext db, string? search)
    {
        var query = db.Suppressions.AsNoTracking();
        if (string.IsNullOrWhiteSpace(search)) return query;
        var key = search.Trim().ToLowerInvariant();
        return query.Where(s => s.Email.Contains(key) || s.Source.Contains(search.Trim()));
    }

    private static string? Check(SuppressionInput input)
    {
        var validation = Validator.Validate(input);
        return validation.IsValid ? null : string.Join(" ", validation.Errors.Select(e => e.ErrorMessage));
    }

    private static (string Email, SuppressionReason Reason) Normalize(SuppressionInput input) =>
        (EmailAddresses.Key(input.Email!), EnumNames.TryParse<SuppressionReason>(input.Reason, out var reason) ? reason : SuppressionReason.Manual);

    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (var i = 0; i < header.Count; i++)
            if (string.Equals(header[i].Trim(), name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    private static string Limit(string text, int length) => text.Length <= length ? text : text[..length];
}
