using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Mail;
using Triton.Tests.Infrastructure;
using Triton.Web.Mail;
using Triton.Web.Security.KeyRing;

namespace Triton.Tests.Security;

/// <summary>The Data Protection key ring lives in the database, encrypted when a key is configured, and the old file ring moves in.</summary>
public sealed class KeyRingTests
{
    private const string EncryptionKey = "key-ring-encryption-key-for-tests-0123456789";

    [Fact]
    public async Task A_password_protected_under_the_old_file_ring_still_decrypts_after_the_move()
    {
        string? protectedPassword = null;
        using var app = new SecurityApp(new Dictionary<string, string?> { ["Triton:KeyRing:EncryptionKey"] = EncryptionKey },
            prepareDataDirectory: data => protectedPassword = ProtectWithFileRing(Path.Combine(data, "keys"), "smtp-secret"));

        var secrets = app.Services.GetRequiredService<ISecretProtector>();
        Assert.Equal("smtp-secret", secrets.Unprotect(protectedPassword!));
        // The files are gone and the database holds the key, its secret encrypted.
        Assert.False(Directory.Exists(Path.Combine(app.DataDirectory, "keys")) && Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "keys")).Any());
        var stored = await StoredXmlAsync(app);
        Assert.NotEmpty(stored);
        Assert.All(stored, xml =>
        {
            Assert.Contains("tritonEncryptedKey", xml);
            Assert.DoesNotContain("masterKey", xml);
        });
        Assert.Contains(app.Log, line => line.Contains("Moved 1 Data Protection key"));
    }

    [Fact]
    public async Task Without_an_encryption_key_the_ring_is_in_the_database_and_the_log_says_it_is_unencrypted()
    {
        using var app = new SecurityApp();
        var secrets = app.Services.GetRequiredService<ISecretProtector>();
        var protectedText = secrets.Protect("pw");
        Assert.Equal("pw", secrets.Unprotect(protectedText));
        Assert.NotEmpty(await StoredXmlAsync(app));
        Assert.False(Directory.Exists(Path.Combine(app.DataDirectory, "keys")));
        Assert.Contains(app.Log, line => line.StartsWith("Warning") && line.Contains("Triton:KeyRing:EncryptionKey is not set"));
    }

    [Fact]
    public async Task New_keys_are_encrypted_and_a_second_instance_with_the_same_secret_reads_them_and_another_secret_cannot()
    {
        await using var database = new SqliteTestDatabase();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Triton"] = database.ConnectionString,
            ["Triton:KeyRing:EncryptionKey"] = EncryptionKey,
        };
        string protectedText;
        using (var first = new SecurityApp(settings))
        {
            protectedText = first.Services.GetRequiredService<ISecretProtector>().Protect("shared");
            Assert.All(await StoredXmlAsync(first), xml => Assert.DoesNotContain("masterKey", xml));
        }
        // Another instance on the same database (its own data directory) decrypts what the first protected.
        using (var second = new SecurityApp(settings))
            Assert.Equal("shared", second.Services.GetRequiredService<ISecretProtector>().Unprotect(protectedText));

        using var wrong = new SecurityApp(new Dictionary<string, string?>(settings) { ["Triton:KeyRing:EncryptionKey"] = "another-key-ring-secret-of-enough-length-42" });
        Assert.ThrowsAny<Exception>(() => wrong.Services.GetRequiredService<ISecretProtector>().Unprotect(protectedText));
        Assert.Contains(wrong.Log, line => line.Contains("encrypted with another Triton:KeyRing:EncryptionKey"));
    }

    [Fact]
    public void A_short_encryption_key_is_refused_by_name()
    {
        var error = Assert.ThrowsAny<Exception>(() => new KeyRingCipher("too-short"));
        Assert.Contains("Triton:KeyRing:EncryptionKey", error.Message);
    }

    /// <summary>What Triton did before: a file ring in &lt;data&gt;/keys, application name Triton.</summary>
    private static string ProtectWithFileRing(string directory, string password)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("Triton").PersistKeysToFileSystem(new DirectoryInfo(directory));
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<ISecretProtector>().Protect(password);
    }

    private static async Task<List<string>> StoredXmlAsync(SecurityApp app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<KeyRingDbContext>().DataProtectionKeys
            .Select(k => k.Xml!).ToListAsync();
    }
}
