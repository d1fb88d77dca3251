using System.Collections.Concurrent;

namespace Triton.Core.Lists;

/// <summary>
/// How far one CSV import has got, updated by the importer after every written batch and read by
/// any other request meanwhile. Counters are written by one importer and read with volatile reads.
/// </summary>
public sealed class ImportProgress(int listId, string importId, DateTimeOffset startedAt)
{
    private long _rowsRead, _added, _skipped, _errors;
    private int _done;

    public int ListId { get; } = listId;
    public string ImportId { get; } = importId;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public DateTimeOffset? FinishedAt { get; private set; }

    public long RowsRead => Volatile.Read(ref _rowsRead);
    public long Added => Volatile.Read(ref _added);
    public long Skipped => Volatile.Read(ref _skipped);
    public long Errors => Volatile.Read(ref _errors);
    public bool Done => Volatile.Read(ref _done) == 1;

    /// <summary>The importer's answer (rows added, bad rows by line), once done; kept as long as the import is.</summary>
    public BulkAddResult? Result { get; private set; }

    /// <summary>Why the file was refused as a whole (no header, no email column, binary), if it was.</summary>
    public string? Refusal { get; private set; }

    public void Report(long rowsRead, BulkAddResult result)
    {
        Volatile.Write(ref _rowsRead, rowsRead);
        Volatile.Write(ref _added, result.Added);
        Volatile.Write(ref _skipped, result.Skipped);
        Volatile.Write(ref _errors, result.TotalErrors);
    }

    /// <param name="result">The importer's answer, for whoever shows the report later.</param>
    /// <param name="refusal">Why the whole file was refused, when it was.</param>
    public void Finish(DateTimeOffset at, BulkAddResult? result = null, string? refusal = null)
    {
        Result = result;
        Refusal = refusal;
        FinishedAt = at;
        Volatile.Write(ref _done, 1);
    }
}

/// <summary>
/// The imports of this process, by list and import id, so a long import can be watched from a second
/// request. In-process only: another instance behind a load balancer does not see them, and they are
/// forgotten on restart and an hour after they finish.
/// </summary>
public sealed class ImportProgressRegistry(TimeProvider time)
{
    private static readonly TimeSpan KeepFinished = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<(int ListId, string ImportId), ImportProgress> _imports = new();

    /// <summary>Starts tracking an import; null when an import with this id is still running on the list.</summary>
    public ImportProgress? Start(int listId, string importId)
    {
        Prune();
        var progress = new ImportProgress(listId, importId, time.GetUtcNow());
        var stored = _imports.AddOrUpdate((listId, importId), progress, (_, existing) => existing.Done ? progress : existing);
        return ReferenceEquals(stored, progress) ? progress : null;
    }

    public ImportProgress? Find(int listId, string importId) => _imports.GetValueOrDefault((listId, importId));

    private void Prune()
    {
        var cutoff = time.GetUtcNow() - KeepFinished;
        foreach (var (key, progress) in _imports)
            if (progress.FinishedAt < cutoff) _imports.TryRemove(key, out _);
    }
}
