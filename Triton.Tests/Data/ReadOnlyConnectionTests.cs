using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SQLitePCL;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Data;

/// <summary>
/// A connection SQLite opened while the disk was read-only stays read-only in the pool; once the disk
/// mends, Triton's next write must not be handed that connection.
/// </summary>
public sealed class ReadOnlyConnectionTests
{
    [LocalFaultFact]
    public async Task A_connection_pooled_while_the_disk_was_read_only_is_not_used_once_it_is_writable()
    {
        using var disk = new SmallFileSystem(16);
        await using var database = new SqliteTestDatabase(disk.Path);
        await using var app = new TritonAppFactory(database);
        var contexts = app.Services.GetRequiredService<IDbContextFactory<TritonDbContext>>();
        string connectionString;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            Assert.Equal(0, await db.Groups.CountAsync(g => g.Name == "after the mend"));
            connectionString = db.Database.GetConnectionString()!;
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            SqliteConnection.ClearAllPools();
            if (disk.TryRemountReadOnly()) break;
            Assert.True(DateTime.UtcNow < deadline, "the database file system never became read-only");
            await Task.Delay(5);
        }
        // Opened now, the file is opened read-only; closed without a failed command, it goes back to the pool as it is.
        await using (var opened = new SqliteConnection(connectionString))
        {
            await opened.OpenAsync();
            Assert.Equal(1, raw.sqlite3_db_readonly(opened.Handle, "main"));
        }
        disk.RemountWritable();

        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.Groups.Add(new Group { Name = "after the mend", Scope = GroupScope.List });
            await db.SaveChangesAsync();
        }
        await using (var db = await contexts.CreateDbContextAsync()) Assert.Equal(1, await db.Groups.CountAsync(g => g.Name == "after the mend"));
    }
}
