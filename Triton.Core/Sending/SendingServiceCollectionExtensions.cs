using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Scheduling;

namespace Triton.Core.Sending;

public static class SendingServiceCollectionExtensions
{
    /// <summary>The campaign engine: store, pipeline, coordinator, commands, progress feed and schedules.</summary>
    public static IServiceCollection AddTritonSending(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SendingOptions>().Bind(configuration.GetSection(SendingOptions.Section));
        services.AddSingleton(sp => new SqlDialect(sp.GetRequiredService<DatabaseOptions>().Provider));
        services.AddSingleton<StoreExecutor>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<EngineIdentity>();
        services.AddSingleton<EngineSignal>();
        services.AddSingleton<JobBoard>();
        services.AddSingleton<DeliveryAttempt>();
        services.AddSingleton<ResultWriter>();
        services.AddSingleton<LeaseBook>();
        services.AddSingleton<LeaseKeeper>();
        services.AddSingleton<StorageReserve>();
        services.AddSingleton<SendPipeline>();
        services.AddSingleton<QueueProcessor>();

        services.AddSingleton<CampaignTransitions>();
        services.AddSingleton<CampaignRunLog>();
        services.AddSingleton<CampaignAutoPause>();
        services.AddSingleton<CampaignProgressFeed>();
        services.AddSingleton<ICampaignProgressFeed>(sp => sp.GetRequiredService<CampaignProgressFeed>());
        services.AddSingleton<CampaignEngine>();
        services.AddSingleton<CampaignCommands>();
        services.AddSingleton<ICampaignCommands>(sp => sp.GetRequiredService<CampaignCommands>());
        services.AddSingleton<CampaignService>();
        services.AddSingleton<CampaignCatalog>();
        services.AddSingleton<CampaignTester>();

        services.AddTritonScheduling(configuration);
        services.AddSingleton<CampaignScheduler>();
        services.AddSingleton<ICampaignScheduler>(sp => sp.GetRequiredService<CampaignScheduler>());
        services.AddTransient<ScheduledCampaignStart>();

        // Order matters at start-up: schedules are registered after Quartz starts.
        services.AddHostedService(sp => sp.GetRequiredService<CampaignProgressFeed>());
        services.AddHostedService(sp => sp.GetRequiredService<CampaignEngine>());
        services.AddHostedService(sp => sp.GetRequiredService<CampaignScheduler>());
        return services;
    }
}
