using Microsoft.Data.Sqlite;
using Triton.Core.Data;

namespace Triton.Tests.Data;

/// <summary>
/// Which SQLite failures are a full disk (the storage reserve is given up for them) and which make
/// the connection pool be emptied (a connection opened read-only must not outlive a read-only disk).
/// </summary>
public sealed class StorageFailureTests : IDisposable
{
    private const int IoErrorGrowingTheWalIndex = 10 | (19 << 8); // SQLITE_IOERR_SHMSIZE
    private readonly string _folder = Directory.CreateTempSubdirectory("triton-storage-failure-").FullName;

    private string ConnectionString => $"Data Source={Path.Combine(_folder, "pool.db")};Pooling=True";

    [Fact]
    public void A_wal_index_that_cannot_grow_is_a_full_disk_and_a_plain_io_error_is_not()
    {
        var indexCannotGrow = new SqliteException("disk I/O error", 10, IoErrorGrowingTheWalIndex);
        Assert.True(StorageFailure.IsOutOfSpace(indexCannotGrow));
        Assert.StartsWith("The database or its disk is full", StorageFailure.Describe(indexCannotGrow));

        var readFailed = new SqliteException("disk I/O error", 10, 10 | (1 << 8)); // SQLITE_IOERR_READ
        Assert.False(StorageFailure.IsOutOfSpace(readFailed));
        Assert.Equal("The database could not be read or written (SQLite I/O error)", StorageFailure.Describe(readFailed));

        Assert.True(StorageFailure.IsOutOfSpace(new SqliteException("database or disk is full", 13)));
        Assert.False(StorageFailure.IsOutOfSpace(new SqliteException("attempt to write a readonly database", 8)));
    }

    [Fact]
    public async Task A_full_disk_keeps_the_pooled_connections_and_a_read_only_failure_replaces_them()
    {
        await using var connection = new SqliteConnection(ConnectionString);
        var first = await OpenedHandleAsync(connection);

        SqliteStorageRecovery.Forget(connection, new SqliteException("database or disk is full", 13));
        Assert.Same(first, await OpenedHandleAsync(connection));
        SqliteStorageRecovery.Forget(connection, new SqliteException("disk I/O error", 10, IoErrorGrowingTheWalIndex));
        Assert.Same(first, await OpenedHandleAsync(connection));

        SqliteStorageRecovery.Forget(connection, new SqliteException("attempt to write a readonly database", 8));
        Assert.NotSame(first, await OpenedHandleAsync(connection));
    }

    private static async Task<object> OpenedHandleAsync(SqliteConnection connection)
    {
        await connection.OpenAsync();
        var handle = connection.Handle!;
        await connection.CloseAsync();
        return handle;
    }

    public void Dispose()
    {
        // This pool only: emptying every pool would close connections of tests running beside this one.
        using (var connection = new SqliteConnection(ConnectionString)) SqliteConnection.ClearPool(connection);
        Directory.Delete(_folder, recursive: true);
    }
}
