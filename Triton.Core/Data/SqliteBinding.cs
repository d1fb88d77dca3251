using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Triton.Core.Data;

/// <summary>
/// Binding values on SQLite's own statement API, for the few hot paths that bypass Microsoft.Data.Sqlite's command (which
/// adds a data reader, parameter look-ups by name and value conversions to every execution). Failures throw the
/// <see cref="SqliteException"/> the command would have thrown, so storage failures are classified the same way.
/// </summary>
internal static class SqliteBinding
{
    public static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, db);
    }

    /// <summary>
    /// Binds a string as UTF-8 encoded into one reused buffer (SQLite copies it): no array per value, as
    /// the string overload makes, and no conversion in SQLite, as binding UTF-16 costs.
    /// </summary>
    public static void BindText(sqlite3 db, sqlite3_stmt statement, int index, string value, ref byte[] buffer)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (length > buffer.Length) buffer = new byte[Math.Max(length, buffer.Length * 2)];
        var written = Encoding.UTF8.GetBytes(value, buffer);
        Check(db, raw.sqlite3_bind_text(statement, index, buffer.AsSpan(0, written)));
    }

    /// <summary>Runs a statement that returns no rows and resets it for its next execution; answers the rows it changed.</summary>
    public static int Execute(sqlite3 db, sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db);
        return raw.sqlite3_changes(db);
    }
}
