using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Mail.Mime;

namespace Triton.Core.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>MIME writer, transports and their factory. The host must register an <see cref="ISecretProtector"/>.</summary>
    public static IServiceCollection AddTritonMail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MailOptions>().Bind(configuration.GetSection(MailOptions.Section));
        services.AddSingleton<MimeMessageWriter>();
        services.AddSingleton<TransportPasswords>();
        services.AddSingleton<SmtpTransportBuilder>();
        services.AddSingleton<MailTransportFactory>();
        services.AddSingleton<IMailTransportFactory>(sp => sp.GetRequiredService<MailTransportFactory>());
        services.AddSingleton<TransportConnectionTester>();
        return services;
    }
}
