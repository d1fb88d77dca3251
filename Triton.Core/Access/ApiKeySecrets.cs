using System.Security.Cryptography;
using System.Text;

namespace Triton.Core.Access;

/// <summary>API keys are random, shown once, and stored only as a SHA-256 hash.</summary>
public static class ApiKeySecrets
{
    public const int PrefixLength = 8;

    /// <summary>A key given by configuration must be at least this long (a generated key has 52 characters).</summary>
    public const int MinimumLength = 32;

    public static string Generate() => "trk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string Prefix(string key) => key.Length <= PrefixLength ? key : key[..PrefixLength];
}
