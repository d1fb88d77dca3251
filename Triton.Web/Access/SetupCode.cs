using System.Security.Cryptography;
using System.Text;

namespace Triton.Web.Access;

/// <summary>
/// The one-time code /setup asks for while no user exists: random per process start, printed in the
/// log at start, so only someone who can read the server's log can create the first admin. A request
/// from localhost needs it too: behind a reverse proxy on the same machine every request looks local.
/// </summary>
public sealed class SetupCode
{
    // No 0/O or 1/I/L: the code is read from a log and typed by hand.
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private readonly byte[] hash;

    public SetupCode()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 16);
        Value = string.Join('-', Enumerable.Range(0, 4).Select(i => new string(chars, i * 4, 4)));
        hash = Hash(Value);
    }

    /// <summary>Four groups of four characters, about 79 bits.</summary>
    public string Value { get; }

    /// <summary>Case, spaces and dashes do not matter; compared in constant time.</summary>
    public bool Matches(string? presented) =>
        CryptographicOperations.FixedTimeEquals(Hash(presented ?? ""), hash);

    private static byte[] Hash(string code) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(new string(code.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray())));
}
