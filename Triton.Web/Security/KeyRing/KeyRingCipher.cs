using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace Triton.Web.Security.KeyRing;

/// <summary>
/// AES-256-GCM under a key derived (HKDF-SHA256) from Triton:KeyRing:EncryptionKey. The encrypted
/// element names the secret it was made with by a fingerprint, so a different secret fails with a
/// message saying so instead of a bare authentication error.
/// </summary>
public sealed class KeyRingCipher
{
    private static readonly XName Root = "tritonEncryptedKey";
    private readonly byte[] key;

    public KeyRingCipher(string secret)
    {
        if (secret.Length < KeyRingOptions.MinimumKeyLength)
            throw new OptionsValidationException(KeyRingOptions.Section, typeof(KeyRingOptions),
                [$"{KeyRingOptions.Section}:EncryptionKey has {secret.Length} characters; it needs at least {KeyRingOptions.MinimumKeyLength} (e.g. 'openssl rand -base64 32')."]);
        var material = Encoding.UTF8.GetBytes(secret);
        key = HKDF.DeriveKey(HashAlgorithmName.SHA256, material, 32, info: "Triton.KeyRing.v1"u8.ToArray());
        Fingerprint = Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, material, 8, info: "Triton.KeyRing.v1.fingerprint"u8.ToArray()));
    }

    public string Fingerprint { get; }

    public XElement Encrypt(XElement plaintext)
    {
        var data = Encoding.UTF8.GetBytes(plaintext.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var cipher = new byte[data.Length];
        using (var aes = new AesGcm(key, tag.Length))
            aes.Encrypt(nonce, data, cipher, tag, AssociatedData());
        return new XElement(Root,
            new XAttribute("algorithm", "AES-256-GCM"),
            new XAttribute("keyFingerprint", Fingerprint),
            new XElement("value", Convert.ToBase64String([.. nonce, .. tag, .. cipher])));
    }

    public XElement Decrypt(XElement encrypted)
    {
        if (encrypted.Name != Root)
            throw new CryptographicException($"Not a Triton key-ring element: <{encrypted.Name}>.");
        var fingerprint = (string?)encrypted.Attribute("keyFingerprint");
        if (fingerprint != Fingerprint)
            throw new CryptographicException(
                $"This Data Protection key was encrypted with another {KeyRingOptions.Section}:EncryptionKey (fingerprint {fingerprint}; the configured one is {Fingerprint}).");
        var bytes = Convert.FromBase64String((string?)encrypted.Element("value") ?? "");
        var nonceSize = AesGcm.NonceByteSizes.MaxSize;
        var tagSize = AesGcm.TagByteSizes.MaxSize;
        var plain = new byte[bytes.Length - nonceSize - tagSize];
        using (var aes = new AesGcm(key, tagSize))
            aes.Decrypt(bytes.AsSpan(0, nonceSize), bytes.AsSpan(nonceSize + tagSize), bytes.AsSpan(nonceSize, tagSize), plain, AssociatedData());
        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }

    private static byte[] AssociatedData() => "Triton.KeyRing.v1"u8.ToArray();
}

/// <summary>The configured cipher, or none when Triton:KeyRing:EncryptionKey is empty.</summary>
public sealed class KeyRingProtection(IOptions<KeyRingOptions> options)
{
    public KeyRingCipher? Cipher { get; } = options.Value.Encrypts ? new KeyRingCipher(options.Value.EncryptionKey!) : null;
}

/// <summary>Data Protection's hook for encrypting each new key before it is stored.</summary>
public sealed class KeyRingXmlEncryptor(KeyRingCipher cipher) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(cipher.Encrypt(plaintextElement), typeof(KeyRingXmlDecryptor));
}

/// <summary>Created by Data Protection by type name when it reads a key; finds the cipher in the services.</summary>
public sealed class KeyRingXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        ((services.GetService(typeof(KeyRingProtection)) as KeyRingProtection)?.Cipher
         ?? throw new CryptographicException(
             $"The Data Protection keys in the database are encrypted, but {KeyRingOptions.Section}:EncryptionKey is not set."))
        .Decrypt(encryptedElement);
}
