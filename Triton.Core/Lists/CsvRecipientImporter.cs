using System.Text;
using CsvHelper;
using Triton.Core.Domain;

namespace Triton.Core.Lists;

/// <summary>A CSV body that cannot be imported at all (empty, binary, no email column).</summary>
public sealed class CsvImportRefusedException(string message) : Exception(message);

/// <summary>
/// Streams a CSV file with a header row into a list: rows are read one at a time and written in
/// batches, so a million-row file never sits in memory. Bad rows are reported by line; good rows land.
/// </summary>
public sealed class CsvRecipientImporter(RecipientBatchWriter writer, TimeProvider time)
{
    public const int BatchSize = 5000;

    /// <param name="progress">Updated after every written batch, when someone may be watching.</param>
    public async Task<BulkAddResult> ImportAsync(MailingList list, Stream body, ImportProgress? progress, CancellationToken cancellationToken)
    {
        // UTF-8 with or without a BOM (the reader honours and drops it); quoted fields may hold commas and newlines.
        var options = new CsvReaderOptions
        {
            TrackLineNumbers = true,
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = true,
            // An unclosed quote must not make the reader buffer the rest of a huge file.
            MaxRecordSize = 1024 * 1024,
        };
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
        if (header.Count == 0 || header.All(string.IsNullOrWhiteSpace))
            throw new CsvImportRefusedException("The file is empty: a header row naming the columns (email, user_id, ...) is required.");
        if (LooksBinary(header))
            throw new CsvImportRefusedException("The file is not UTF-8 CSV text (it looks binary).");

        var rows = new RecipientRows(list.Id, list.Columns.Select(c => c.Name), time.GetUtcNow());
        var result = new BulkAddResult();
        var mapping = new string?[header.Count];
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim();
            mapping[i] = rows.Column(name);
            if (mapping[i] is null) result.Fail(new RowError(null, 1, $"Unknown column {ReportedValue.Quote(name)} is ignored; the list's columns are email, user_id{string.Concat(list.Columns.Select(c => ", " + c.Name))}."));
        }
        if (!mapping.Contains("email"))
            throw new CsvImportRefusedException("The header row has no email column.");

        // Two batches alternate: while one is written on the thread pool, the next is parsed and
        // validated, so reading and writing overlap. Only this method touches the result.
        var batch = new Batch();
        var spare = new Batch();
        (Batch Batch, Task<IReadOnlyList<int>> Write)? pending = null;
        // One dictionary for every row: the row's values are copied out by RecipientRows.Create.
        var values = new Dictionary<string, string?>(header.Count, StringComparer.Ordinal);
        long rowsRead = 0;
        try
        {
            while (true)
            {
                try
                {
                    if (!await csv.ReadAsync(cancellationToken)) break;
                }
                catch (CsvFormatException exception)
                {
                    // Past this point the reader cannot resynchronise; what landed stays, the rest is reported.
                    result.Fail(new RowError(null, exception.LineNumber, $"The file cannot be read further: {exception.Message}"));
                    break;
                }
                rowsRead++;
                var line = csv.LineNumber;
                var count = csv.FieldCount;
                if (count != header.Count)
                {
                    result.Skipped++;
                    result.Fail(new RowError(null, line, $"Expected {header.Count} fields as in the header, found {count}."));
                    continue;
                }
                values.Clear();
                for (var i = 0; i < count; i++)
                    if (mapping[i] is { } column) values[column] = csv.GetString(i);
                var (recipient, error) = rows.Create(values);
                if (recipient is null)
                {
                    result.Skipped++;
                    result.Fail(new RowError(null, line, error!));
                    continue;
                }
                batch.Add(recipient, line);
                if (batch.Rows.Count >= BatchSize) await FlushAsync();
            }
            await FlushAsync();
            await SettleAsync();
        }
        finally
        {
            // A failed read must not leave a write running unobserved.
            if (pending is { } unfinished) await unfinished.Write.ContinueWith(_ => { }, TaskScheduler.Default);
        }
        // Duplicates of a batch are learnt after later rows' errors; the answer lists errors by line.
        var byLine = result.Errors.OrderBy(e => e.Line).ToList(); // stable: the header's own errors keep their order
        result.Errors.Clear();
        result.Errors.AddRange(byLine);
        result.RowsRead = rowsRead;
        if (progress is not null) await progress.ReportAsync(rowsRead, result, cancellationToken);
        return result;

        async Task FlushAsync()
        {
            await SettleAsync();
            if (batch.Rows.Count == 0) return;
            var rowsToWrite = batch.Rows;
            pending = (batch, Task.Run(() => writer.WriteAsync(list.Id, rowsToWrite, cancellationToken), cancellationToken));
            (batch, spare) = (spare, batch);
        }

        async Task SettleAsync()
        {
            if (pending is not { } written) return;
            var duplicates = await written.Write;
            pending = null;
            foreach (var position in duplicates)
            {
                result.Skipped++;
                result.Fail(new RowError(null, written.Batch.Lines[position], $"{ReportedValue.Quote(written.Batch.Rows[position].Recipient.Email)} is already in the list."));
            }
            result.Added += written.Batch.Rows.Count - duplicates.Count;
            written.Batch.Clear();
            if (progress is not null) await progress.ReportAsync(rowsRead, result, cancellationToken);
        }
    }

    /// <summary>Rows waiting to be written, with the file line each came from.</summary>
    private sealed class Batch
    {
        public List<(int Position, Recipient Recipient)> Rows { get; } = new(BatchSize);
        public List<long> Lines { get; } = new(BatchSize);

        public void Add(Recipient recipient, long line)
        {
            Rows.Add((Rows.Count, recipient));
            Lines.Add(line);
        }

        public void Clear()
        {
            Rows.Clear();
            Lines.Clear();
        }
    }

    /// <summary>NUL or undecodable bytes in the header row mean this is not a UTF-8 text file.</summary>
    private static bool LooksBinary(IEnumerable<string> fields) =>
        fields.Any(f => f.Contains('\0') || f.Contains('\uFFFD') || f.Any(c => char.IsControl(c) && c is not '\t'));
}
