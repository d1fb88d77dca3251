using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Triton.Core.Data;

/// <summary>
/// Per-connection SQLite settings: WAL lets readers run beside the one writer, NORMAL sync is safe
/// under WAL, and the busy timeout makes a second writer wait instead of failing. They are set once
/// per database connection, not on each open of it from the pool (EF opens one for every query,
/// and parsing these statements each time was a measurable part of a query's cost).
/// </summary>
public sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";

    // The native handles already set up; a pooled connection hands the same handle out again.
    private readonly ConditionalWeakTable<object, object> _configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
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

    private bool FirstOpen(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || _configured.TryAdd(handle, handle);

    // Not set up after all: the next open tries again.
    private void Unmark(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle }) _configured.Remove(handle);
    }
}
