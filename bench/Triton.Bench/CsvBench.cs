using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Data;
using Triton.Core.Lists;

namespace Triton.Bench;

/// <summary>
/// A CSV file of recipients (email, user_id and the newsletter's four columns) imported into a list
/// by CsvRecipientImporter, as the web and the API import it, against sqlite3's .import of the same
/// file into a plain table in a fresh database.
/// </summary>
public static class CsvBench
{
    public static async Task RunAsync(int rows)
    {
        var directory = Directory.CreateTempSubdirectory("triton-bench-csv-").FullName;
        try
        {
            var csv = Path.Combine(directory, "recipients.csv");
            await WriteCsvAsync(csv, rows);
            Console.WriteLine($"csv: {rows} rows, {new FileInfo(csv).Length / (1024 * 1024)} MB");

            double triton;
            await using (var bench = await BenchHost.CreateAsync(instant: true))
            {
                var (listId, _, _) = await bench.CreateContentAsync("<p>{{email}}</p>");
                await using var db = await bench.Services.GetRequiredService<IDbContextFactory<TritonDbContext>>().CreateDbContextAsync();
                var list = await db.Lists.Include(l => l.Columns).AsNoTracking().SingleAsync(l => l.Id == listId);
                var importer = bench.Services.GetRequiredService<CsvRecipientImporter>();

                Measure.ResetPeak();
                var cpu = Measure.CpuTime();
                var watch = Stopwatch.StartNew();
                await using var file = new FileStream(csv, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
                var result = await importer.ImportAsync(list, file, null, CancellationToken.None);
                watch.Stop();
                cpu = Measure.CpuTime() - cpu;
                triton = Measure.Report("triton CsvRecipientImporter into a SQLite list, rows", result.Added, watch.Elapsed, cpu);
                Console.WriteLine($"  added={result.Added} skipped={result.Skipped} errors={result.Errors.Count}");
                if (result.Added != rows) Console.WriteLine("  NOT EVERY ROW LANDED");

                // Where the time goes: the parse side alone (read, check, build each row; nothing written).
                var checker = new RecipientRows(list.Id, list.Columns.Select(c => c.Name), DateTimeOffset.UtcNow);
                watch.Restart();
                await using var again = new FileStream(csv, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
                await using var reader = CsvHelper.CsvReader.Create(again, new CsvHelper.CsvReaderOptions());
                await reader.ReadHeaderAsync(CancellationToken.None);
                var header = reader.Headers.ToArray();
                var values = new Dictionary<string, string?>(StringComparer.Ordinal);
                long built = 0;
                while (await reader.ReadAsync(CancellationToken.None))
                {
                    values.Clear();
                    for (var i = 0; i < header.Length; i++) values[checker.Column(header[i]) ?? header[i]] = reader.GetString(i);
                    if (checker.Create(values).Recipient is not null) built++;
                }
                Measure.Report("  alone: read and check rows on one thread (nothing written), rows", built, watch.Elapsed);
            }

            var script = $"""
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=NORMAL;
                CREATE TABLE recipients (email TEXT NOT NULL, user_id TEXT, first_name TEXT, last_name TEXT, city TEXT, plan TEXT);
                .import --csv --skip 1 {csv} recipients
                SELECT COUNT(*) FROM recipients;
                """;
            var elapsed = await Measure.Sqlite3Async(Path.Combine(directory, "peer.db"), script);
            var peer = Measure.Report("sqlite3 .import of the same file into a plain table (peer), rows", rows, elapsed);
            Measure.Ratio("triton csv import / sqlite3 .import", triton, peer);

            // Context for the ratio: the same import when the table carries the indexes a list needs
            // (one address per list, and the list's id order that the enqueue streams).
            var indexed = $"""
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=NORMAL;
                CREATE TEMP TABLE staged (email TEXT NOT NULL, user_id TEXT, first_name TEXT, last_name TEXT, city TEXT, plan TEXT);
                .import --csv --skip 1 {csv} staged
                CREATE TABLE recipients (id INTEGER PRIMARY KEY, email TEXT NOT NULL, user_id TEXT, first_name TEXT, last_name TEXT, city TEXT, plan TEXT);
                CREATE UNIQUE INDEX recipients_email ON recipients (lower(email));
                INSERT INTO recipients (email, user_id, first_name, last_name, city, plan) SELECT * FROM staged;
                SELECT COUNT(*) FROM recipients;
                """;
            elapsed = await Measure.Sqlite3Async(Path.Combine(directory, "peer-indexed.db"), indexed);
            var indexedPeer = Measure.Report("sqlite3 .import into a staging table, then INSERT into a table with a unique address index (context), rows", rows, elapsed);
            Measure.Ratio("triton csv import / sqlite3 .import with a unique index", triton, indexedPeer);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    internal static async Task WriteCsvAsync(string path, int rows)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        await writer.WriteAsync("email,user_id,first_name,last_name,city,plan\n");
        string[] plans = ["free", "pro", "team"];
        for (var i = 0; i < rows; i++)
            await writer.WriteAsync($"user{i}@example.test,u{i},Name{i},Family{i % 9973},City{i % 500},{plans[i % 3]}\n");
    }
}
