using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace Triton.Core.Mail.Dkim;

/// <summary>A DKIM key pair: the private key as PEM and the TXT record that publishes its public half.</summary>
public sealed record DkimKeyPair(string PrivateKeyPem, string DnsRecord);

/// <summary>Generates, parses and publishes DKIM RSA keys.</summary>
public static class DkimKeys
{
    public const int KeyBits = 2048;

    public static DkimKeyPair Generate()
    {
        using var rsa = RSA.Create(KeyBits);
        return new DkimKeyPair(rsa.ExportRSAPrivateKeyPem(), DnsRecordOf(rsa));
    }

    /// <summary>The DNS name the record is published under: selector._domainkey.domain.</summary>
    public static string DnsName(string selector, string domain) => $"{selector}._domainkey.{domain}";

    /// <summary>The TXT record of the key's public half: "v=DKIM1; k=rsa; p=...".</summary>
    public static string DnsRecord(string privateKeyPem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        return DnsRecordOf(rsa);
    }

    private static string DnsRecordOf(RSA rsa) => "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());

    /// <summary>Reads an RSA private key from PEM (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY").</summary>
    /// <exception cref="FormatException">It is not one, or not at least 1024 bits.</exception>
    public static AsymmetricKeyParameter ParsePrivateKey(string pem)
    {
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new FormatException("The DKIM private key is not an RSA private key in PEM form.", ex);
        }
        if (rsa.KeySize < 1024) throw new FormatException($"The DKIM key has {rsa.KeySize} bits; at least 1024 are needed (2048 recommended).");
        RSAParameters p;
        try
        {
            p = rsa.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException ex)
        {
            throw new FormatException("The PEM holds a public key; DKIM signing needs the private key.", ex);
        }
        return new RsaPrivateCrtKeyParameters(
            Big(p.Modulus), Big(p.Exponent), Big(p.D), Big(p.P), Big(p.Q), Big(p.DP), Big(p.DQ), Big(p.InverseQ));
    }

    private static Org.BouncyCastle.Math.BigInteger Big(byte[]? value) => new(1, value ?? throw new FormatException("Incomplete RSA key."));
}
