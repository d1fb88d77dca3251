namespace Triton.Core.Lists;

/// <summary>One bad row of a bulk add (by index) or an import (by line).</summary>
public sealed record RowError(int? Index, long? Line, string Error);

/// <summary>The answer of a bulk add or import: how many landed, how many were skipped, and why.</summary>
public sealed class BulkAddResult
{
    /// <summary>At most this many errors are listed; <see cref="TotalErrors"/> counts them all.</summary>
    public const int MaxErrors = 1000;

    /// <summary>Data rows read (an import; the header not counted).</summary>
    public long RowsRead { get; set; }
    public long Added { get; set; }
    public long Skipped { get; set; }
    public List<RowError> Errors { get; } = [];
    public long TotalErrors { get; private set; }

    public void Fail(RowError error)
    {
        TotalErrors++;
        if (Errors.Count < MaxErrors) Errors.Add(error);
    }
}
