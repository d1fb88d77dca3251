using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Lists;

/// <summary>An import's progress and, once done, its report: what any instance reads back from the database.</summary>
public sealed record ImportReport(
    string ImportId, long RowsRead, long Added, long Skipped, long TotalErrors, bool Done,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Refusal, IReadOnlyList<RowError> Errors,
    long BytesRead, long? BytesTotal);

/// <summary>
/// One running import's handle: the importer reports after every written batch, which updates its
/// database row (so another instance's page sees it) and tells whoever watches in this process.
/// </summary>
public sealed class ImportProgress
{
    private readonly ImportTracker _tracker;
    private long _bytesRead;

    internal ImportProgress(ImportTracker tracker, long rowId, int listId, string importId, long? bytesTotal)
    {
        _tracker = tracker;
        RowId = rowId;
        ListId = listId;
        ImportId = importId;
        BytesTotal = bytesTotal;
    }

    internal long RowId { get; }
    public int ListId { get; }
    public string ImportId { get; }
    public long? BytesTotal { get; }
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Raised after each report, with rows read, added and skipped so far (the uploading page's bar).</summary>
    public event Action<ImportProgress, long, BulkAddResult>? Reported;

    /// <summary>The file's stream, counting the bytes the importer reads from it.</summary>
    public Stream Watch(Stream file) => new CountingStream(file, n => Interlocked.Add(ref _bytesRead, n));

    public async Task ReportAsync(long rowsRead, BulkAddResult result, CancellationToken cancellationToken)
    {
        await _tracker.ReportAsync(this, rowsRead, result, cancellationToken);
        Reported?.Invoke(this, rowsRead, result);
    }

    /// <summary>A read-only pass-through that counts what is read.</summary>
    private sealed class CountingStream(Stream inner, Action<long> counted) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Counted(int read)
        {
            counted(read);
            return read;
        }
    }
}

/// <summary>
/// Imports by list and import id, in the database (table list_imports), so a long import started on
/// one instance can be watched from any other, and its report outlives a restart. Finished imports
/// are kept a week; one not reported for ten minutes was cut off with its instance and may be re-run.
/// </summary>
public sealed class ImportTracker(IDbContextFactory<TritonDbContext> contexts, TimeProvider time, ILogger<ImportTracker> logger)
{
    private static readonly TimeSpan KeepFinished = TimeSpan.FromDays(7);

    /// <summary>Far longer than a batch of rows takes to write: a running import reports after every batch.</summary>
    private static readonly TimeSpan CutOffAfter = TimeSpan.FromMinutes(10);

    /// <summary>Expired imports removed per start, oldest first; the rest go at the next ones.</summary>
    private const int PruneBatch = 1000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Starts tracking an import; null when an import with this id is still running on the list.</summary>
    public async Task<ImportProgress?> StartAsync(int listId, string importId, long? bytesTotal, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        // Times are compared here, not in SQL: SQLite cannot compare the stored date-times.
        var finished = await db.ListImports.AsNoTracking().Where(i => i.FinishedAt != null)
            .OrderBy(i => i.Id).Take(PruneBatch).Select(i => new { i.Id, i.FinishedAt }).ToListAsync(cancellationToken);
        var expired = finished.Where(i => i.FinishedAt < now - KeepFinished).Select(i => i.Id).ToList();
        if (expired.Count > 0) await db.ListImports.Where(i => expired.Contains(i.Id)).ExecuteDeleteAsync(cancellationToken);
        // The same id again: allowed once the earlier run finished or was cut off.
        var earlier = await db.ListImports.AsNoTracking().Where(i => i.ListId == listId && i.ImportId == importId)
            .Select(i => new { i.Id, i.FinishedAt, i.UpdatedAt }).FirstOrDefaultAsync(cancellationToken);
        if (earlier is not null)
        {
            if (earlier.FinishedAt is null && earlier.UpdatedAt >= now - CutOffAfter) return null;
            await db.ListImports.Where(i => i.Id == earlier.Id).ExecuteDeleteAsync(cancellationToken);
        }
        var row = new ListImport { ListId = listId, ImportId = importId, BytesTotal = bytesTotal, StartedAt = now, UpdatedAt = now };
        db.ListImports.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request (on any instance) started an import with this id meanwhile: the unique index refused this one.
            db.ChangeTracker.Clear();
            if (await db.ListImports.AnyAsync(i => i.ListId == listId && i.ImportId == importId, cancellationToken)) return null;
            throw;
        }
        return new ImportProgress(this, row.Id, listId, importId, bytesTotal);
    }

    internal async Task ReportAsync(ImportProgress progress, long rowsRead, BulkAddResult result, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var bytes = progress.BytesRead;
        await db.ListImports.Where(i => i.Id == progress.RowId).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.RowsRead, rowsRead).SetProperty(i => i.Added, result.Added).SetProperty(i => i.Skipped, result.Skipped)
            .SetProperty(i => i.TotalErrors, result.TotalErrors).SetProperty(i => i.BytesRead, bytes).SetProperty(i => i.UpdatedAt, now), cancellationToken);
    }

    /// <summary>Writes the final counts and bad rows; runs even when the request was aborted, so the report is never left half-done.</summary>
    public async Task FinishAsync(ImportProgress progress, long rowsRead, BulkAddResult? result, string? refusal)
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var now = time.GetUtcNow();
        var errors = JsonSerializer.Serialize((result?.Errors ?? []).Take(BulkAddResult.MaxErrors).Select(e => new StoredError(e.Line, e.Index, e.Error)), Json);
        var bytes = progress.BytesRead;
        var added = result?.Added ?? 0;
        var skipped = result?.Skipped ?? 0;
        var total = result?.TotalErrors ?? 0;
        var reason = refusal is { Length: > 2000 } ? refusal[..2000] : refusal;
        try
        {
            await db.ListImports.Where(i => i.Id == progress.RowId).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.RowsRead, rowsRead).SetProperty(i => i.Added, added).SetProperty(i => i.Skipped, skipped)
                .SetProperty(i => i.TotalErrors, total).SetProperty(i => i.BytesRead, bytes).SetProperty(i => i.Errors, errors)
                .SetProperty(i => i.Refusal, reason).SetProperty(i => i.UpdatedAt, now).SetProperty(i => i.FinishedAt, now));
        }
        catch (Exception exception) when (exception is DbUpdateException or InvalidOperationException)
        {
            // The rows landed; only the report is lost. It reads as cut off once stale.
            logger.LogWarning(exception, "The report of import {ImportId} of list {ListId} could not be saved.", progress.ImportId, progress.ListId);
        }
    }

    public async Task<ImportReport?> FindAsync(int listId, string importId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ListImports.AsNoTracking().FirstOrDefaultAsync(i => i.ListId == listId && i.ImportId == importId, cancellationToken);
        return row is null ? null : Report(row);
    }

    /// <summary>The list's newest import, for the list page.</summary>
    public async Task<ImportReport?> LatestAsync(int listId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ListImports.AsNoTracking().Where(i => i.ListId == listId)
            .OrderByDescending(i => i.Id).FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : Report(row);
    }

    private ImportReport Report(ListImport row)
    {
        var errors = JsonSerializer.Deserialize<List<StoredError>>(row.Errors, Json) ?? [];
        // Cut off with its instance: shown as finished, without a report of the rows after the last batch.
        var cutOff = row.FinishedAt is null && row.UpdatedAt < time.GetUtcNow() - CutOffAfter;
        return new ImportReport(row.ImportId, row.RowsRead, row.Added, row.Skipped, row.TotalErrors, row.FinishedAt is not null || cutOff,
            row.StartedAt, row.FinishedAt ?? (cutOff ? row.UpdatedAt : null),
            row.Refusal ?? (cutOff ? "The import stopped before the end of the file (its server was stopped)." : null),
            errors.Select(e => new RowError(e.Index, e.Line, e.Error)).ToList(), row.BytesRead, row.BytesTotal);
    }

    private sealed record StoredError(long? Line, int? Index, string Error);
}
