namespace Triton.Core.Domain;

/// <summary>
/// One CSV import into a list, kept in the database so any instance can show its progress and its
/// report, and a restart does not lose them: the counters move after every written batch, the bad
/// rows (capped) are written once it finishes.
/// </summary>
public sealed class ListImport
{
    public long Id { get; set; }
    public int ListId { get; set; }

    /// <summary>The id the client chose (or was given) to watch the import by; unique per list.</summary>
    public required string ImportId { get; set; }
    public long RowsRead { get; set; }
    public long Added { get; set; }
    public long Skipped { get; set; }
    public long TotalErrors { get; set; }

    /// <summary>Bytes of the file read so far, and its size when the client said it (a progress bar's numbers).</summary>
    public long BytesRead { get; set; }
    public long? BytesTotal { get; set; }

    /// <summary>Why the file was refused as a whole (no header, no email column, binary), if it was.</summary>
    public string? Refusal { get; set; }

    /// <summary>The bad rows as a JSON array of {line, error}, at most BulkAddResult.MaxErrors of them.</summary>
    public string Errors { get; set; } = "[]";
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The last report; a running import not updated for long was cut off (its instance stopped).</summary>
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
