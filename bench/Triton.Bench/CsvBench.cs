using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Lists;

namespace Triton.Bench;

/// <summary>
/// A CSV file of recipients (email, user_id and the newsletter's four columns) imported into a list
/// by CsvRecipientImporter, as the web and the API import it, against sqlite3's .import of the same
/// file into a plain table in a fresh database; both sides in alternating rounds, compared by median.
/// </summary>
public static class CsvBench
{
    /// <summary>Rounds of (Triton, peer), alternating, so a slow spell of the machine hits both sides.</summary>
    private const int Rounds = 3;

    public static async Task RunAsync(int rows)
    {
        var directory = Directory.CreateTempSubdirectory("triton-bench-csv-").FullName;
        try
        {
            var csv = Path.Combine(directory, "recipients.csv");
            await WriteCsvAsync(csv, rows);
            Console.WriteLine($"csv: {rows} rows, {new FileInfo(csv).Length / (1024 * 1024)} MB; {Rounds} rounds, each a fresh database on both sides");

            var triton = new List<double>();
            var peer = new List<double>();
            for (var round = 1; round <= Rounds; round++)
            {
                triton.Add(await ImportAsync(csv, rows, directory, round, parseAlone: round == Rounds));
                var script = $"""
                    PRAGMA journal_mode=WAL;
                    PRAGMA synchronous=NORMAL;
                    CREATE TABLE recipients (email TEXT NOT NULL, user_id TEXT, first_name TEXT, last_name TEXT, city TEXT, plan TEXT);
                    .import --csv --skip 1 {csv} recipients
                    SELECT COUNT(*) FROM recipients;
                    """;
                var elapsed = await Measure.Sqlite3Async(Path.Combine(directory, $"peer-{round}.db"), script);
                peer.Add(Measure.Report($"round {round}: sqlite3 .import of the same file into a plain table (peer), rows", rows, elapsed));
                Measure.Ratio($"round {round}: triton csv import / sqlite3 .import", triton[^1], peer[^1]);
            }
            Console.WriteLine($"median triton csv import: {Measure.Percentile(triton, 0.5):F0} rows/s; median sqlite3 .import: {Measure.Percentile(peer, 0.5):F0} rows/s");
            Measure.Ratio("triton csv import / sqlite3 .import (medians)", Measure.Percentile(triton, 0.5), Measure.Percentile(peer, 0.5));

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
            var indexedElapsed = await Measure.Sqlite3Async(Path.Combine(directory, "peer-indexed.db"), indexed);
            var indexedPeer = Measure.Report("sqlite3 .import into a staging table, then INSERT into a table with a unique address index (context), rows", rows, indexedElapsed);
            Measure.Ratio("triton csv import (median) / sqlite3 .import with a unique index", Measure.Percentile(triton, 0.5), indexedPeer);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>One import of the file into a list of a fresh Triton database; returns rows per second.</summary>
    private static async Task<double> ImportAsync(string csv, int rows, string directory, int round, bool parseAlone)
    {
        await using var bench = await BenchHost.CreateAsync(instant: true);
        var (listId, _, _) = await bench.CreateContentAsync("<p>{{email}}</p>");
        await using var db = await bench.Services.GetRequiredService<IDbContextFactory<TritonDbContext>>().CreateDbContextAsync();
        var list = await db.Lists.Include(l => l.Columns).AsNoTracking().SingleAsync(l => l.Id == listId);
        var importer = bench.Services.GetRequiredService<CsvRecipientImporter>();
        await WarmUpAsync(importer, db, list, directory);

        Measure.ResetPeak();
        Measure.FlushDisks();
        var cpu = Measure.CpuTime();
        var watch = Stopwatch.StartNew();
        BulkAddResult result;
        await using (var file = new FileStream(csv, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            result = await importer.ImportAsync(list, file, null, CancellationToken.None);
        watch.Stop();
        cpu = Measure.CpuTime() - cpu;
        var rate = Measure.Report($"round {round}: triton CsvRecipientImporter into a SQLite list, rows", result.Added, watch.Elapsed, cpu);
        Console.WriteLine($"  added={result.Added} skipped={result.Skipped} errors={result.Errors.Count}");
        if (result.Added != rows) Console.WriteLine("  NOT EVERY ROW LANDED");
        if (!parseAlone) return rate;

        // Where the time goes: the parse side alone (read, check, build each row; nothing written).
        var checker = new RecipientRows(list.Id, list.Columns.Select(c => c.Name), DateTimeOffset.UtcNow);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
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
        Console.WriteLine($"  allocated per row: {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)built:F0} bytes");
        return rate;
    }

    /// <summary>
    /// A server imports its first file with cold code: the JIT compiles the import path, then compiles
    /// its hot loops again, optimised. A small import into another list first keeps that one-time cost
    /// out of the measured rate, as in a server that has been running.
    /// </summary>
    private static async Task WarmUpAsync(CsvRecipientImporter importer, TritonDbContext db, MailingList list, string directory)
    {
        var warmUp = new MailingList
        {
            Name = "Warm-up list", CreatedAt = DateTimeOffset.UtcNow,
            Columns = [.. list.Columns.Select(c => new ListColumn { Name = c.Name, Position = c.Position })],
        };
        db.Lists.Add(warmUp);
        await db.SaveChangesAsync();
        var csv = Path.Combine(directory, "warm-up.csv");
        await WriteCsvAsync(csv, 50_000);
        await using var file = File.OpenRead(csv);
        await importer.ImportAsync(warmUp, file, null, CancellationToken.None);
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
