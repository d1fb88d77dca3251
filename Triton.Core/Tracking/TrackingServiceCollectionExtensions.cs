using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Triton.Core.Tracking;

public static class TrackingServiceCollectionExtensions
{
    /// <summary>Tracking categories, the open and click tokens, the batched recorder and the stats.</summary>
    public static IServiceCollection AddTritonTracking(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TrackingOptions>().Bind(configuration.GetSection(TrackingOptions.Section))
            .Validate(o => o.IsValid, "Tracking: QueueCapacity, BatchSize and FlushMilliseconds must be positive; MachineWindowSeconds and RequestsPerSecondPerAddress 0 or more.")
            .ValidateOnStart();
        services.AddSingleton<TokenSigner>();
        services.AddSingleton<TrackingLinks>();
        services.AddSingleton<MachineFetches>();
        services.AddSingleton<TrackingRecorder>();
        services.AddSingleton<TrackingStore>();
        services.AddSingleton<TrackingHits>();
        services.AddHostedService<TrackingWriter>();
        services.AddScoped<IValidator<CategoryInput>, CategoryInputValidator>();
        services.AddScoped<CategoryService>();
        services.AddSingleton<TrackingStats>();
        return services;
    }
}
