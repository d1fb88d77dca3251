using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Access;
using Triton.Core.Data;
using Triton.Core.Lists;
using Triton.Core.Mail;
using Triton.Core.Sending;
using Triton.Core.Suppressions;
using Triton.Core.Templates;
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
        services.AddTritonMail(configuration);
        services.AddTritonSending(configuration);
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<ApiKeyBootstrap>();
        services.AddSingleton<TemplateCache>();
        services.AddSingleton<Tracking.TokenSigner>();
        services.AddTritonSuppressions(configuration);
        services.AddTritonLists();
        services.AddTritonTriggers(configuration);
        return services;
    }
}
