using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Access;
using Triton.Core.Archive;
using Triton.Core.Data;
using Triton.Core.Health;
using Triton.Core.Lists;
using Triton.Core.Mail;
using Triton.Core.Sending;
using Triton.Core.Suppressions;
using Triton.Core.Templates;
using Triton.Core.Transfer;
using Triton.Core.Tracking;
using Triton.Core.Triggers;

namespace Triton.Core;

public static class TritonServiceCollectionExtensions
{
    /// <summary>Everything Triton.Core offers: options, database, templates, mail, the sending engine.</summary>
    public static IServiceCollection AddTritonCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TritonOptions>().Bind(configuration.GetSection(TritonOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddTritonDatabase(configuration);
        services.AddOptions<TemplateOptions>().Bind(configuration.GetSection(TemplateOptions.Section))
            .Validate(o => o.IsValid, "Templates: RenderTimeoutMilliseconds, MaxRenderedCharacters and InlineCssTimeoutMilliseconds must be positive.")
            .ValidateOnStart();
        services.AddSingleton<CssInliner>();
        services.AddSingleton<TemplateCompiler>();
        services.AddSingleton<TemplateChecker>();
        services.AddSingleton<FluentValidation.IValidator<TemplateInput>, TemplateInputValidator>();
        services.AddSingleton<TemplateService>();
        services.AddTritonMail(configuration);
        services.AddTritonSending(configuration);
        services.AddSingleton<Groups.GroupService>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<ApiKeyBootstrap>();
        services.AddSingleton<TemplateCache>();
        services.AddTritonTracking(configuration);
        services.AddTritonSuppressions(configuration);
        services.AddTritonLists();
        services.AddTritonTriggers(configuration);
        services.AddTritonArchive(configuration);
        services.AddTritonTransfer();
        services.AddTritonHealth(configuration);
        return services;
    }
}
