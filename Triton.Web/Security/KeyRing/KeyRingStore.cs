using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core;
using Triton.Core.Data;

namespace Triton.Web.Security.KeyRing;

/// <summary>
/// Readies the key ring before anything uses it: creates its table, moves the keys of the old file
/// ring (&lt;DataDirectory&gt;/keys) into the database so passwords protected under them still decrypt,
/// encrypts any key still stored in plain text when an encryption key is configured, and then deletes
/// the old files so no plain key stays beside the database.
/// </summary>
public sealed class KeyRingStore(
    KeyRingDbContext db,
    KeyRingProtection protection,
    IKeyManager keys,
    IOptions<KeyManagementOptions> keyManagement,
    DatabaseOptions database,
    IOptions<TritonOptions> triton,
    ILogger<KeyRingStore> logger)
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";
    private static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";

    public string LegacyDirectory => triton.Value.ResolveDataPath("keys");

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await db.Database.MigrateAsync(cancellationToken);
        var imported = await ImportFilesAsync(cancellationToken);
        var sealedCount = await SealAsync(cancellationToken);
        if (sealedCount > 0)
            logger.LogInformation("Encrypted {Count} Data Protection key(s) in the database with Triton:KeyRing:EncryptionKey", sealedCount);
        foreach (var file in imported)
            File.Delete(file);
        if (imported.Count > 0)
        {
            logger.LogWarning("Moved {Count} Data Protection key(s) from {Directory} into the database and deleted the files", imported.Count, LegacyDirectory);
            if (!Directory.EnumerateFileSystemEntries(LegacyDirectory).Any()) Directory.Delete(LegacyDirectory);
        }
        await EnsureKeyAsync(cancellationToken);
        if (protection.Cipher is null)
            logger.LogWarning("Triton:KeyRing:EncryptionKey is not set: the Data Protection keys are stored unencrypted in the database, " +
                "so a copy of the database is enough to decrypt the SMTP passwords in it. See docs/SECURITY.md.");
    }

    /// <summary>
    /// Makes sure the ring holds a usable key before the instance serves anything. Left to Data
    /// Protection, each instance creates one on first use when the ring is empty; instances started
    /// together on one database would then sign cookies and protect passwords with keys the others
    /// have not loaded yet. On PostgreSQL an advisory lock lets one instance create the key; the
    /// others wait and find it.
    /// </summary>
    private async Task EnsureKeyAsync(CancellationToken cancellationToken)
    {
        var postgres = database.Provider == DatabaseProvider.Postgres;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (postgres) await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({KeyCreationLock})", cancellationToken);
            var now = DateTimeOffset.UtcNow;
            // GetAllKeys reads the repository (the database) on every call, not a cached ring.
            if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
            {
                keys.CreateNewKey(now, now + keyManagement.Value.NewKeyLifetime);
                logger.LogInformation("Created the first Data Protection key in the database");
            }
        }
        finally
        {
            if (postgres) await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({KeyCreationLock})", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The advisory lock id of key creation, an arbitrary constant no other part of Triton uses.</summary>
    private const long KeyCreationLock = 0x7472_6974_6f6e_6b72; // "tritonkr"

    /// <summary>Copies each key file whose key is not in the database yet; answers the files now held by the database.</summary>
    private async Task<List<string>> ImportFilesAsync(CancellationToken cancellationToken)
    {
        var files = Directory.Exists(LegacyDirectory) ? Directory.GetFiles(LegacyDirectory, "*.xml") : [];
        if (files.Length == 0) return [];
        var known = (await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync(cancellationToken))
            .Select(KeyId).Where(id => id is not null).ToHashSet();
        var held = new List<string>();
        foreach (var file in files)
        {
            var element = XElement.Load(file);
            var id = KeyId(element);
            if (id is null)
            {
                logger.LogWarning("{File} is not a Data Protection key; left in place", file);
                continue;
            }
            held.Add(file);
            if (!known.Add(id)) continue;
            db.DataProtectionKeys.Add(new DataProtectionKey
            {
                FriendlyName = Path.GetFileNameWithoutExtension(file),
                Xml = element.ToString(SaveOptions.DisableFormatting),
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        return held;
    }

    /// <summary>Encrypts the secret parts of keys stored in plain text, as Data Protection itself does for new keys.</summary>
    private async Task<int> SealAsync(CancellationToken cancellationToken)
    {
        if (protection.Cipher is not { } cipher) return 0;
        var encryptor = new KeyRingXmlEncryptor(cipher);
        var count = 0;
        foreach (var row in await db.DataProtectionKeys.ToListAsync(cancellationToken))
        {
            if (row.Xml is null) continue;
            var element = XElement.Parse(row.Xml);
            var secrets = element.Descendants().Where(e => (string?)e.Attribute(RequiresEncryption) == "true").ToList();
            if (secrets.Count == 0) continue;
            foreach (var secret in secrets)
            {
                var encrypted = encryptor.Encrypt(new XElement(secret));
                secret.ReplaceWith(new XElement(EncryptedSecret,
                    new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!),
                    encrypted.EncryptedElement));
            }
            row.Xml = element.ToString(SaveOptions.DisableFormatting);
            count++;
        }
        await db.SaveChangesAsync(cancellationToken);
        return count;
    }

    private static string? KeyId(string? xml)
    {
        if (xml is null) return null;
        try { return KeyId(XElement.Parse(xml)); }
        catch (System.Xml.XmlException) { return null; }
    }

    private static string? KeyId(XElement element) =>
        element.Name == "key" ? (string?)element.Attribute("id") : null;
}
