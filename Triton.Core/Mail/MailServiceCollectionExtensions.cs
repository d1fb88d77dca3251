using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Mail.Mime;

namespace Triton.Core.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>MIME builder, transports and the registry that owns them. The host must register an <see cref="ISecretProtector"/>.</summary>
    public static IServiceCollection AddTritonMail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MailOptions>().Bind(configuration.GetSection(MailOptions.Section));
        services.AddSingleton<MimeMessageBuilder>();
        services.AddSingleton<TransportPasswords>();
        services.AddSingleton<SmtpTransportBuilder>();
        services.AddSingleton<TransportRegistry>();
        services.AddSingleton<IMailTransports>(sp => sp.GetRequiredService<TransportRegistry>());
        services.AddSingleton<TransportConnectionTester>();
        services.AddSingleton<Dkim.TransportDkimKeys>();
        services.AddSingleton<TransportService>();
        return services;
    }
}
