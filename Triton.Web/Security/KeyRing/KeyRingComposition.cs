using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core.Data;

namespace Triton.Web.Security.KeyRing;

public static class KeyRingComposition
{
    /// <summary>Data Protection with its key ring in the database, each key encrypted when Triton:KeyRing:EncryptionKey is set.</summary>
    public static IServiceCollection AddTritonKeyRing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KeyRingOptions>().Bind(configuration.GetSection(KeyRingOptions.Section));
        services.AddSingleton<KeyRingProtection>();
        services.AddDbContext<KeyRingDbContext>((sp, options) =>
        {
            var database = sp.GetRequiredService<DatabaseOptions>();
            DatabaseServiceCollectionExtensions.Configure(options, database);
            if (database.Provider == DatabaseProvider.Postgres)
                options.UseNpgsql(database.ConnectionString, o => o.MigrationsHistoryTable(KeyRingDbContext.MigrationsHistoryTable));
            else
                options.UseSqlite(database.ConnectionString, o => o.MigrationsHistoryTable(KeyRingDbContext.MigrationsHistoryTable));
        });
        services.AddScoped<KeyRingStore>();
        services.AddDataProtection().SetApplicationName("Triton").PersistKeysToDbContext<KeyRingDbContext>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            if (sp.GetRequiredService<KeyRingProtection>().Cipher is { } cipher)
                options.XmlEncryptor = new KeyRingXmlEncryptor(cipher);
        }));
        return services;
    }

    /// <summary>Before serving: the key ring's table, the old file keys moved in, plain keys encrypted.</summary>
    public static async Task PrepareTritonKeyRingAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<KeyRingStore>().PrepareAsync(cancellationToken);
    }
}
