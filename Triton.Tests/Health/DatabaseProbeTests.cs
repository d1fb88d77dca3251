using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Health;

/// <summary>The /health liveness question: a migrated database answers, one that cannot be opened does not.</summary>
public sealed class DatabaseProbeTests
{
    [Fact]
    public async Task A_migrated_database_is_reachable_and_one_that_cannot_be_opened_is_not()
    {
        await using var database = new SqliteTestDatabase();
        await using (var db = database.CreateContext()) await db.Database.MigrateAsync();
        Assert.True(await new DatabaseProbe(database.ContextFactory()).ReachableAsync(default));

        // Its file is a directory: SQLite cannot open it.
        await using var unreachable = new SqliteTestDatabase(Path.Combine(database.Directory, "other"));
        Directory.CreateDirectory(Path.Combine(unreachable.Directory, "triton.db"));
        Assert.False(await new DatabaseProbe(unreachable.ContextFactory()).ReachableAsync(default));
    }
}
