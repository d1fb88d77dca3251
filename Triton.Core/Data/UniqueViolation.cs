using Microsoft.Data.Sqlite;
using Npgsql;

namespace Triton.Core.Data;

/// <summary>Whether a failed statement broke a unique index (another writer stored the same key first).</summary>
public static class UniqueViolation
{
    private const int SqliteConstraintUnique = 2067, SqliteConstraintPrimaryKey = 1555;

    public static bool Is(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SqliteException { SqliteExtendedErrorCode: SqliteConstraintUnique or SqliteConstraintPrimaryKey }) return true;
            if (current is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }) return true;
        }
        return false;
    }
}
