using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Triton.Core.Data;
using Triton.Core.Domain;
using static Triton.Core.Data.SqliteBinding;

namespace Triton.Core.Lists;

/// <summary>
/// The SQLite side of <see cref="RecipientBatchWriter"/>: rows go in as INSERTs of up to
/// <see cref="ChunkRows"/> rows each, through SQLite's own statement API on the connection (and
/// transaction) the store opened. Microsoft.Data.Sqlite's command adds a data reader and parameter
/// conversions per execution, a quarter of the cost of a row; one statement per row adds SQLite's own
/// per-statement work. What is left per row is the table, its two indexes and the list's foreign key.
/// </summary>
internal static class SqliteRecipientInsert
{
    /// <summary>Rows per statement: beyond a few dozen the gain is gone (measured up to 500).</summary>
    public const int ChunkRows = 50;

    private const int ParametersPerRow = 5;
    private const string SqliteDateTimeOffset = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz";

    /// <returns>The positions (as given) of the rows skipped as duplicates.</returns>
    public static IReadOnlyList<int> Insert(SqliteConnection connection, int listId,
        IReadOnlyList<(int Position, Recipient Recipient)> batch, CancellationToken cancellationToken)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var duplicates = new List<int>();
        // Every id above this one belongs to a row the current statement wrote: ids only grow (AUTOINCREMENT).
        var floor = ScalarInt64(db, "SELECT COALESCE(MAX(id), 0) FROM recipients");
        sqlite3_stmt? full = null;
        DateTimeOffset? lastCreated = null;
        var created = "";
        var utf8 = new byte[1024];
        try
        {
            for (var start = 0; start < batch.Count; start += ChunkRows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(ChunkRows, batch.Count - start);
                sqlite3_stmt? last = null;
                var statement = count == ChunkRows ? full ??= Prepare(db, ChunkRows) : last = Prepare(db, count);
                try
                {
                    Check(db, raw.sqlite3_bind_int(statement, 1, listId));
                    for (var row = 0; row < count; row++)
                    {
                        var recipient = batch[start + row].Recipient;
                        if (recipient.CreatedAt != lastCreated)
                        {
                            // The text SQLite stores a DateTimeOffset as (EF's and Microsoft.Data.Sqlite's format),
                            // formatted once per distinct value: a batch shares one time.
                            lastCreated = recipient.CreatedAt;
                            created = recipient.CreatedAt.ToString(SqliteDateTimeOffset, CultureInfo.InvariantCulture);
                        }
                        var first = 2 + row * ParametersPerRow;
                        BindText(db, statement, first, recipient.Email, ref utf8);
                        BindText(db, statement, first + 1, recipient.EmailKey, ref utf8);
                        if (recipient.UserId is null) Check(db, raw.sqlite3_bind_null(statement, first + 2));
                        else BindText(db, statement, first + 2, recipient.UserId, ref utf8);
                        BindText(db, statement, first + 3, recipient.Fields, ref utf8);
                        BindText(db, statement, first + 4, created, ref utf8);
                    }
                    var landed = Execute(db, statement);
                    if (landed < count) CollectDuplicates(db, floor, batch, start, count, duplicates);
                    if (landed > 0) floor = raw.sqlite3_last_insert_rowid(db);
                }
                finally
                {
                    raw.sqlite3_reset(statement);
                    last?.Dispose();
                }
            }
        }
        finally
        {
            full?.Dispose();
        }
        return duplicates;
    }

    /// <summary>
    /// The rows a statement skipped: the rows it wrote (ids above the floor, in the order given) are
    /// matched against its rows in order; each row without its match was a duplicate.
    /// </summary>
    private static void CollectDuplicates(sqlite3 db, long floor, IReadOnlyList<(int Position, Recipient Recipient)> batch,
        int start, int count, List<int> duplicates)
    {
        var written = new List<string>(count);
        Check(db, raw.sqlite3_prepare_v2(db, "SELECT email_key FROM recipients WHERE id > ?1 ORDER BY id", out var query));
        using (query)
        {
            Check(db, raw.sqlite3_bind_int64(query, 1, floor));
            int rc;
            while ((rc = raw.sqlite3_step(query)) == raw.SQLITE_ROW) written.Add(raw.sqlite3_column_text(query, 0).utf8_to_string());
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db);
        }
        var next = 0;
        for (var i = start; i < start + count; i++)
        {
            // A key is unique in the list, so a skipped row never matches the next written one.
            if (next < written.Count && string.Equals(written[next], batch[i].Recipient.EmailKey, StringComparison.Ordinal)) next++;
            else duplicates.Add(batch[i].Position);
        }
    }

    private static sqlite3_stmt Prepare(sqlite3 db, int rows)
    {
        // ?1 is the list, shared by every row; each row has five numbered parameters after it.
        var sql = new StringBuilder("INSERT INTO recipients (list_id, email, email_key, user_id, fields, created_at) VALUES ");
        for (var row = 0; row < rows; row++)
        {
            var first = 2 + row * ParametersPerRow;
            sql.Append(row == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $"(?1,?{first},?{first + 1},?{first + 2},?{first + 3},?{first + 4})");
        }
        sql.Append(" ON CONFLICT (list_id, email_key) DO NOTHING");
        Check(db, raw.sqlite3_prepare_v2(db, sql.ToString(), out var statement));
        return statement;
    }

    private static long ScalarInt64(sqlite3 db, string sql)
    {
        Check(db, raw.sqlite3_prepare_v2(db, sql, out var statement));
        using (statement)
        {
            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_ROW) SqliteException.ThrowExceptionForRC(rc, db);
            return raw.sqlite3_column_int64(statement, 0);
        }
    }
}
