using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Data;

/// <summary>
/// The migrations are hand-written, so nothing else checks them against the EF model: a database
/// built by the migrations must have exactly the schema EnsureCreated derives from the model.
/// </summary>
public sealed class MigrationMatchesModelTests
{
    [Fact]
    public Task Sqlite_migrated_schema_matches_the_model() => AssertMigrationMatchesModelAsync(DatabaseProvider.Sqlite);

    [PostgresFact]
    public Task Postgres_migrated_schema_matches_the_model() => AssertMigrationMatchesModelAsync(DatabaseProvider.Postgres);

    private static async Task AssertMigrationMatchesModelAsync(DatabaseProvider provider)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var migratedDatabase = await TestDatabase.CreateAsync(provider);
        await using var createdDatabase = await TestDatabase.CreateAsync(provider);

        await using var migrated = migratedDatabase.CreateContext();
        await migrated.Database.MigrateAsync(ct);
        await using var created = createdDatabase.CreateContext();
        await created.Database.EnsureCreatedAsync(ct);

        var fromMigration = await SchemaReader.ReadAsync(migrated, provider);
        var fromModel = await SchemaReader.ReadAsync(created, provider);

        Assert.NotEmpty(fromModel);
        var missing = fromModel.Except(fromMigration).ToList();
        var extra = fromMigration.Except(fromModel).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            "The migrations diverge from the EF model.\n" +
            $"In the model but not the migrated database:\n  {string.Join("\n  ", missing)}\n" +
            $"In the migrated database but not the model:\n  {string.Join("\n  ", extra)}");
    }
}
