using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Triton.Core;
using Triton.Core.Mail;

namespace Triton.Web.Mail;

/// <summary>Encrypts transport passwords with ASP.NET Core Data Protection (key ring in &lt;DataDirectory&gt;/keys).</summary>
public sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("Triton.Mail.TransportPassword");

    public string Protect(string plaintext) => _protector.Protect(plaintext);

    public string Unprotect(string protectedText) => _protector.Unprotect(protectedText);
}

public static class SecretProtectionServiceCollectionExtensions
{
    public static IServiceCollection AddTritonSecretProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("Triton");
        // The key ring follows Triton:DataDirectory, which is only known once options are bound.
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            var directory = new DirectoryInfo(sp.GetRequiredService<IOptions<TritonOptions>>().Value.ResolveDataPath("keys"));
            directory.Create();
            options.XmlRepository = new FileSystemXmlRepository(directory, sp.GetRequiredService<ILoggerFactory>());
        }));
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        return services;
    }
}
