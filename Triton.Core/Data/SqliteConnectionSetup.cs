using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Triton.Core.Data;

/// <summary>
/// Per-connection SQLite settings: WAL lets readers run beside the one writer, NORMAL sync is safe
/// under WAL, and the busy timeout makes a second writer wait instead of failing. They are set once
/// per database connection, not on each open of it from the pool (EF opens one for every query,
/// and parsing these statements each time was a measurable part of a query's cost).
/// </summary>
/// <remarks>
/// A pooled connection that SQLite opened read-only (the file could not be written then: a read-only
/// disk) stays read-only for good; handed out again it is replaced by a fresh one (once: while the disk is
/// still read-only that one is too), so the first write after the disk mends does not fail once more on a
/// connection from the bad minutes.
/// </remarks>
public sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";

    // The native handles already set up; a pooled connection hands the same handle out again.
    private readonly ConditionalWeakTable<object, object> _configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (StaleReadOnly(connection))
        {
            SqliteConnection.ClearPool((SqliteConnection)connection);
            connection.Close();
            connection.Open();
        }
        if (!FirstOpen(connection)) return;
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
        catch
        {
            Unmark(connection);
            throw;
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (StaleReadOnly(connection))
        {
            SqliteConnection.ClearPool((SqliteConnection)connection);
            await connection.CloseAsync();
            await connection.OpenAsync(cancellationToken);
        }
        if (!FirstOpen(connection)) return;
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch
        {
            Unmark(connection);
            throw;
        }
    }

    /// <summary>A handle SQLite holds read-only: Triton never opens its database so on purpose.</summary>
    private static bool StaleReadOnly(DbConnection connection) =>
        connection is SqliteConnection { Handle: { } handle } && raw.sqlite3_db_readonly(handle, "main") == 1;

    private bool FirstOpen(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || _configured.TryAdd(handle, handle);

    // Not set up after all: the next open tries again.
    private void Unmark(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle }) _configured.Remove(handle);
    }
}
