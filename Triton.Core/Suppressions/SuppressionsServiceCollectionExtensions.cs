using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Bounces;

namespace Triton.Core.Suppressions;

public static class SuppressionsServiceCollectionExtensions
{
    /// <summary>The suppression list, unsubscribe links, VERP return paths and the bounce mailbox (its poller and its settings).</summary>
    public static IServiceCollection AddTritonSuppressions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReturnPathOptions>().Bind(configuration.GetSection(ReturnPathOptions.Section));
        services.AddSingleton<SuppressionService>();
        services.AddSingleton<Unsubscribes>();
        services.AddSingleton<ReturnPaths>();
        services.AddOptions<BounceOptions>().Bind(configuration.GetSection(BounceOptions.Section))
            .Validate(o => o.PollSeconds > 0, "Bounces:PollSeconds must be positive.").ValidateOnStart();
        services.AddSingleton<BounceHandler>();
        services.AddSingleton<BounceMailboxPasswords>();
        services.AddSingleton<BounceMailboxConnectionTester>();
        services.AddSingleton<BounceMailboxWakeUp>();
        services.AddSingleton<BounceMailboxSettingsService>();
        services.AddSingleton<BounceMailbox>();
        services.AddHostedService(sp => sp.GetRequiredService<BounceMailbox>());
        return services;
    }
}
