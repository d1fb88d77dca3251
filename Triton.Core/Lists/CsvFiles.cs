using CsvHelper;

namespace Triton.Core.Lists;

/// <summary>How Triton writes CSV: every export (lists, deliveries) uses these options.</summary>
public static class CsvFiles
{
    /// <summary>
    /// RFC 4180, and text cells that start with =, +, -, @, tab or CR get a leading apostrophe (quoted),
    /// so a spreadsheet opening the file shows them as text instead of running them as formulas: list
    /// values and SMTP replies come from outside and must never act in the reader's spreadsheet.
    /// </summary>
    public static CsvWriterOptions Writer { get; } = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };
}
