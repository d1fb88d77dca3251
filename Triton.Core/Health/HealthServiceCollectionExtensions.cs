using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Triton.Core.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>The health figures of the dashboard and the readiness checks.</summary>
    public static IServiceCollection AddTritonHealth(this IServiceCollection services, IConfiguration configuration)
    {
        var triton = configuration.GetSection(TritonOptions.Section).Get<TritonOptions>() ?? new TritonOptions();
        // Archive:Directory belongs to the archive; read here only to check that it can be written.
        var archive = configuration["Archive:Directory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, triton.ResolveDataPath())
            : triton.ResolveDataPath("archive");
        services.AddSingleton(new HealthDirectories(archive));
        services.AddSingleton<DirectoryProbe>();
        services.AddSingleton<ServerHealthService>();
        return services;
    }
}
