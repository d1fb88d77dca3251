using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;

namespace Triton.Tests.Infrastructure;

/// <summary>A real, empty database for one test (class), removed on dispose.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public abstract DatabaseProvider Provider { get; }
    public abstract string ConnectionString { get; }

    public DatabaseOptions Options => new() { Provider = Provider, ConnectionString = ConnectionString };

    /// <summary>A context on this database, configured exactly as the application configures it.</summary>
    public TritonDbContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<TritonDbContext>();
        DatabaseServiceCollectionExtensions.Configure(builder, Options);
        return new TritonDbContext(builder.Options);
    }

    /// <summary>What services that take an <see cref="IDbContextFactory{TContext}"/> get in the app.</summary>
    public IDbContextFactory<TritonDbContext> ContextFactory() => new Factory(this);

    public abstract ValueTask DisposeAsync();

    private sealed class Factory(TestDatabase database) : IDbContextFactory<TritonDbContext>
    {
        public TritonDbContext CreateDbContext() => database.CreateContext();
    }

    /// <summary>Creates a database of the given provider; PostgreSQL needs TRITON_TEST_POSTGRES.</summary>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteTestDatabase(),
        DatabaseProvider.Postgres => await PostgresTestDatabase.CreateAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };
}
