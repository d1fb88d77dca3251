using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Bounces;

namespace Triton.Core.Suppressions;

public static class SuppressionsServiceCollectionExtensions
{
    /// <summary>The suppression list, unsubscribe links, VERP return paths and the bounce mailbox.</summary>
    public static IServiceCollection AddTritonSuppressions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReturnPathOptions>().Bind(configuration.GetSection(ReturnPathOptions.Section));
        services.AddSingleton<SuppressionService>();
        services.AddSingleton<Unsubscribes>();
        services.AddSingleton<ReturnPaths>();
        return services;
    }
}
