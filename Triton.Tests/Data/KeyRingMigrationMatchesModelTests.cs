using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Tests.Infrastructure;
using Triton.Web.Security.KeyRing;

namespace Triton.Tests.Data;

/// <summary>The key ring's hand-written migration builds exactly the schema its EF model describes.</summary>
public sealed class KeyRingMigrationMatchesModelTests
{
    [Fact]
    public Task Sqlite_key_ring_migration_matches_the_model() => AssertMatchesAsync(DatabaseProvider.Sqlite);

    [PostgresFact]
    public Task Postgres_key_ring_migration_matches_the_model() => AssertMatchesAsync(DatabaseProvider.Postgres);

    private static async Task AssertMatchesAsync(DatabaseProvider provider)
    {
        await using var migratedDatabase = await TestDatabase.CreateAsync(provider);
        await using var createdDatabase = await TestDatabase.CreateAsync(provider);
        await using var migrated = Context(migratedDatabase);
        await migrated.Database.MigrateAsync();
        await using var created = Context(createdDatabase);
        await created.Database.EnsureCreatedAsync();

        // The migration history table exists only in the migrated database.
        var fromMigration = (await SchemaReader.ReadAsync(migrated, provider)).Where(l => !l.Contains(KeyRingDbContext.MigrationsHistoryTable)).ToList();
        var fromModel = await SchemaReader.ReadAsync(created, provider);
        Assert.Contains(fromModel, l => l.Contains("data_protection_keys"));
        Assert.Equal(fromModel, fromMigration);
    }

    private static KeyRingDbContext Context(TestDatabase database)
    {
        var builder = new DbContextOptionsBuilder<KeyRingDbContext>();
        DatabaseServiceCollectionExtensions.Configure(builder, database.Options);
        if (database.Provider == DatabaseProvider.Postgres)
            builder.UseNpgsql(database.ConnectionString, o => o.MigrationsHistoryTable(KeyRingDbContext.MigrationsHistoryTable));
        else
            builder.UseSqlite(database.ConnectionString, o => o.MigrationsHistoryTable(KeyRingDbContext.MigrationsHistoryTable));
        return new KeyRingDbContext(builder.Options);
    }
}
