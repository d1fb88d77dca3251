using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Triton.Core.Data;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Registers a pooled DbContext factory (the engine makes short-lived contexts off the request
    /// path) and a scoped context for request handlers.
    /// </summary>
    public static IServiceCollection AddTritonDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var database = Resolve(configuration);
        if (database.Provider == DatabaseProvider.Sqlite)
            Directory.CreateDirectory(configuration.GetSection(TritonOptions.Section).Get<TritonOptions>()?.ResolveDataPath()
                                      ?? new TritonOptions().ResolveDataPath());

        services.AddSingleton(database);
        services.AddPooledDbContextFactory<TritonDbContext>(options => Configure(options, database));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<TritonDbContext>>().CreateDbContext());
        services.AddSingleton<DatabaseProbe>();
        return services;
    }

    /// <summary>
    /// The provider and connection string as configured: ConnectionStrings:Triton, or the SQLite file
    /// in the data directory. Also read by parts set up before any service exists (the Quartz store).
    /// </summary>
    public static DatabaseOptions Resolve(IConfiguration configuration)
    {
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var triton = configuration.GetSection(TritonOptions.Section).Get<TritonOptions>() ?? new TritonOptions();
        database.ConnectionString = configuration.GetConnectionString("Triton") is { Length: > 0 } configured
            ? configured
            : $"Data Source={triton.ResolveDataPath("triton.db")}";
        return database;
    }

    public static void Configure(DbContextOptionsBuilder options, DatabaseOptions database)
    {
        if (database.Provider == DatabaseProvider.Postgres)
            options.UseNpgsql(database.ConnectionString);
        else
            options.UseSqlite(database.ConnectionString).AddInterceptors(new SqliteConnectionSetup(), new SqliteStorageRecovery());
        // The migration is hand-written and has no model snapshot; a test checks it matches the model.
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }
}
