using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Triton.Core.Data;

/// <summary>
/// Tells a failure of Triton's own resources (a full disk, a read-only or unwritable data directory,
/// a database that is full, read-only or unreachable) from everything else. Such a failure belongs to
/// no recipient: it must never spend a recipient's attempts, and it is reported as what it is.
/// </summary>
public static class StorageFailure
{
    // errno values as .NET reports them in IOException.HResult on Unix (low 16 bits).
    private const int NoSpace = 28, ReadOnlyFileSystem = 30, QuotaExceeded = 122, AccessDenied = 13, PermissionDenied = 1, InputOutput = 5;

    // SQLITE_FULL, and SQLITE_IOERR_SHMSIZE: the WAL index could not grow its shared-memory file,
    // which on a full disk is what a connection rebuilding that index meets instead of SQLITE_FULL.
    private const int SqliteFull = 13, SqliteIndexCannotGrow = 10 | (19 << 8);

    /// <summary>A short reason naming the resource and the error, or null when this is not a storage failure.</summary>
    public static string? Describe(Exception exception, string? resource = null)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            var reason = DescribeOne(current);
            if (reason is not null) return resource is null ? reason : $"{reason}: {resource}";
        }
        return null;
    }

    public static bool Is(Exception exception) => Describe(exception) is not null;

    /// <summary>True when the failure is a lack of space (so freeing the storage reserve can help).</summary>
    public static bool IsOutOfSpace(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SqliteException sqlite && IsSqliteOutOfSpace(sqlite)) return true;
            if (current is PostgresException { SqlState: "53100" }) return true;
            if (current is IOException io && (io.HResult & 0xFFFF) is NoSpace or QuotaExceeded) return true;
        }
        return false;
    }

    /// <summary>
    /// True for a database server that is restarting or briefly unreachable: worth riding out for a
    /// few seconds. A full or read-only disk or a file that cannot be opened does not mend itself.
    /// </summary>
    public static bool MayPass(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException postgres)
                return postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState is "57P01" or "57P02" or "57P03" or "53300";
            if (current is NpgsqlException { InnerException: SocketException or IOException or TimeoutException }) return true;
        }
        return false;
    }

    private static bool IsSqliteOutOfSpace(SqliteException sqlite) =>
        sqlite.SqliteErrorCode == SqliteFull || sqlite.SqliteExtendedErrorCode == SqliteIndexCannotGrow;

    private static string? DescribeOne(Exception exception) => exception switch
    {
        SqliteException { SqliteExtendedErrorCode: SqliteIndexCannotGrow } => "The database or its disk is full (SQLite could not grow its WAL index)",
        SqliteException sqlite => sqlite.SqliteErrorCode switch
        {
            SqliteFull => "The database or its disk is full (SQLite error 13)",
            8 => "The database is read-only (SQLite error 8)",
            10 => "The database could not be read or written (SQLite I/O error)",
            14 => "The database file cannot be opened (SQLite error 14)",
            _ => null,
        },
        PostgresException postgres => postgres.SqlState switch
        {
            "53100" => "The database server's disk is full",
            "53200" => "The database server is out of memory",
            "53300" => "The database server has too many connections",
            "25006" => "The database is read-only",
            _ when postgres.SqlState.StartsWith("08", StringComparison.Ordinal) => "The database connection failed",
            "57P01" or "57P02" or "57P03" => "The database server is shutting down or starting",
            _ => null,
        },
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => "The database server is unreachable",
        IOException io => (io.HResult & 0xFFFF) switch
        {
            NoSpace => "No space left on device",
            QuotaExceeded => "Disk quota exceeded",
            ReadOnlyFileSystem => "Read-only file system",
            AccessDenied or PermissionDenied => "Permission denied",
            InputOutput => "Input/output error",
            _ => null,
        },
        UnauthorizedAccessException => "Permission denied",
        _ => null,
    };
}

/// <summary>Triton's own storage (the database, the data directory) refuses work: answered as 503 with the reason.</summary>
public sealed class StorageUnavailableException(string reason, Exception? inner = null) : Exception(reason, inner);
