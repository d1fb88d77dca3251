using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Triton.Core.Triggers;

public static class TriggersServiceCollectionExtensions
{
    /// <summary>Event contracts, triggers, the events intake, the transactional sender and the message log.</summary>
    public static IServiceCollection AddTritonTriggers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TriggerOptions>().Bind(configuration.GetSection(TriggerOptions.Section));
        services.AddSingleton<TriggerAutotest>();
        services.AddTransient<TriggerAutotestJob>();
        services.AddHostedService<TriggerAutotestSchedule>();
        services.AddSingleton<IValidator<ContractInput>, ContractInputValidator>();
        services.AddScoped<IValidator<TriggerInput>, TriggerInputValidator>();
        services.AddSingleton<EventContractService>();
        services.AddScoped<TriggerService>();
        services.AddSingleton<TransactionalQueue>();
        services.AddSingleton<TransactionalAttempt>();
        services.AddSingleton<MessageResultWriter>();
        services.AddSingleton<EventRoutes>();
        services.AddSingleton<EventWriter>();
        services.AddSingleton<EventIntake>();
        services.AddSingleton<MessageLog>();
        services.AddSingleton<TriggerTester>();
        return services;
    }
}
