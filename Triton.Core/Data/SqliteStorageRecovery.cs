using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Triton.Core.Data;

/// <summary>
/// SQLite opens a file it may not write read-only, and the connection pool then keeps that
/// connection read-only for good. After a storage failure the pool is emptied, so once the disk or
/// the file is writable again the next connections open it for writing.
/// </summary>
/// <remarks>
/// Not after a full disk: those connections are fine, and closing the last of them drops the WAL
/// index, which the next one must then rebuild in space the disk does not have, so even reads fail.
/// </remarks>
public sealed class SqliteStorageRecovery : DbCommandInterceptor
{
    public static void Forget(DbConnection? connection, Exception exception)
    {
        if (connection is SqliteConnection sqlite && StorageFailure.Is(exception) && !StorageFailure.IsOutOfSpace(exception))
            SqliteConnection.ClearPool(sqlite);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) =>
        Forget(command.Connection, eventData.Exception);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(command.Connection, eventData.Exception);
        return Task.CompletedTask;
    }
}
