using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Access;

namespace Triton.Core.Data;

public static class DatabasePreparation
{
    /// <summary>Applies pending migrations at start-up, before anything reads the database.</summary>
    public static async Task PrepareTritonDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        var factory = services.GetRequiredService<IDbContextFactory<TritonDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        await services.GetRequiredService<ApiKeyBootstrap>().EnsureAsync(cancellationToken);
    }
}
