using Microsoft.Data.Sqlite;
using Triton.Core.Data;

namespace Triton.Tests.Infrastructure;

/// <summary>A real SQLite file in its own temp directory, deleted with the directory on dispose.</summary>
public sealed class SqliteTestDatabase : TestDatabase
{
    public SqliteTestDatabase() : this(System.IO.Directory.CreateTempSubdirectory("triton-sqlite-").FullName)
    {
    }

    /// <summary>A database file in a folder of the test's choosing (a small file system, for instance).</summary>
    public SqliteTestDatabase(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        ConnectionString = $"Data Source={Path.Combine(Directory, "triton.db")}";
    }

    public string Directory { get; }
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    public override string ConnectionString { get; }

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them before deleting.
        SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
