using Microsoft.AspNetCore.DataProtection;
using Triton.Core.Mail;
using Triton.Web.Security.KeyRing;

namespace Triton.Web.Mail;

/// <summary>Encrypts transport passwords with ASP.NET Core Data Protection (key ring in the database).</summary>
public sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("Triton.Mail.TransportPassword");

    public string Protect(string plaintext) => _protector.Protect(plaintext);

    public string Unprotect(string protectedText) => _protector.Unprotect(protectedText);
}

public static class SecretProtectionServiceCollectionExtensions
{
    public static IServiceCollection AddTritonSecretProtection(this IServiceCollection services, IConfiguration configuration)
    {
        // The key ring lives in the database (see docs/SECURITY.md), shared by every instance.
        services.AddTritonKeyRing(configuration);
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        return services;
    }
}
