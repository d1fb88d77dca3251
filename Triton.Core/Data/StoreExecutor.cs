using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Triton.Core.Data;

/// <summary>
/// The one place that owns connection, transaction, retry and error translation for the engine's
/// hand-written store operations: a busy SQLite file or a PostgreSQL serialization failure is
/// retried with backoff; anything else propagates after the transaction rolls back. On SQLite the
/// operations of this process take turns, so they never wait on each other inside the database.
/// </summary>
public sealed class StoreExecutor(IDbContextFactory<TritonDbContext> contexts, ILogger<StoreExecutor> logger)
{
    private const int MaxTries = 6;

    // SQLite has one writer. In-process writers (claims, result batches, enqueue, imports) queue here
    // rather than inside SQLite, whose busy handler sleeps in growing steps while another connection
    // holds the lock: with three writers contending, that sleeping, not work, bounded the send rate.
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);

    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var gate = db.Database.IsSqlite() ? _sqliteWriter : null;
            if (gate is not null) await gate.WaitAsync(cancellationToken);
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var result = await work(db.Database.GetDbConnection(), transaction.GetDbTransaction(), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (Exception exception) when (attempt < MaxTries && IsTransient(exception))
            {
                logger.LogDebug(exception, "Store operation hit a transient error; attempt {Attempt}", attempt);
            }
            catch (Exception exception)
            {
                SqliteStorageRecovery.Forget(db.Database.GetDbConnection(), exception);
                throw;
            }
            finally
            {
                gate?.Release();
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20 * (1 << attempt)), cancellationToken);
        }
    }

    public Task InTransactionAsync(Func<DbConnection, DbTransaction, CancellationToken, Task> work, CancellationToken cancellationToken) =>
        InTransactionAsync(async (c, t, ct) => { await work(c, t, ct); return true; }, cancellationToken);

    public static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static bool IsTransient(Exception exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED
        PostgresException postgres => postgres.SqlState is "40001" or "40P01", // serialization failure, deadlock
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };
}
