using System.Globalization;
using System.Text;

namespace Triton.Core.Mail.Mime;

/// <summary>RFC 2047 encoded words and RFC 5322 address formatting.</summary>
public static class EncodedWords
{
    // 36 bytes make 48 base64 characters, a 60-character word: with a header name it stays within 78 (RFC 2047 allows 75 per word).
    private const int MaxBytesPerWord = 36;
    private const string Specials = "()<>[]:;@\\,.\"";

    public static bool IsAscii(string value)
    {
        foreach (var c in value)
        {
            if (c > 127) return false;
        }
        return true;
    }

    /// <summary>Encodes the whole value as UTF-8 B words when it holds non-ASCII, else returns it unchanged.</summary>
    public static IReadOnlyList<string> EncodeUnstructured(string value)
    {
        if (IsAscii(value)) return [value];
        var words = new List<string>();
        var chunk = new StringBuilder();
        var chunkBytes = 0;
        var enumerator = StringInfo.GetTextElementEnumerator(value);
        while (enumerator.MoveNext())
        {
            // Whole text elements stay together so no character is split across two words.
            var element = enumerator.GetTextElement();
            var size = Encoding.UTF8.GetByteCount(element);
            if (chunkBytes + size > MaxBytesPerWord && chunk.Length > 0)
            {
                words.Add(Word(chunk.ToString()));
                chunk.Clear();
                chunkBytes = 0;
            }
            chunk.Append(element);
            chunkBytes += size;
        }
        if (chunk.Length > 0) words.Add(Word(chunk.ToString()));
        return words;
    }

    private static string Word(string text) => "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) + "?=";

    /// <summary>Formats "Name &lt;local@domain&gt;" with the name encoded or quoted as needed; domains go to IDNA.</summary>
    public static IReadOnlyList<string> FormatAddress(MailAddress address)
    {
        var addrSpec = "<" + NormalizeAddress(address.Address) + ">";
        var name = address.DisplayName?.Trim();
        if (string.IsNullOrEmpty(name)) return [addrSpec];
        if (!IsAscii(name))
        {
            var words = EncodeUnstructured(name).ToList();
            words.Add(addrSpec);
            return words;
        }
        if (name.IndexOfAny(Specials.ToCharArray()) >= 0)
            name = "\"" + name.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        return [name, addrSpec];
    }

    /// <summary>Checks the address and turns an internationalised domain into its A-label form.</summary>
    public static string NormalizeAddress(string address)
    {
        if (address.Contains('\r') || address.Contains('\n') || address.Contains('<') || address.Contains('>') || address.Any(char.IsWhiteSpace))
            throw new InvalidHeaderException($"'{address}' is not a usable email address.", nameof(address));
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
            throw new InvalidHeaderException($"'{address}' is not a usable email address.", nameof(address));
        var domain = address[(at + 1)..];
        if (!IsAscii(domain)) domain = new IdnMapping().GetAscii(domain);
        return address[..at] + "@" + domain;
    }

    /// <summary>True when the address cannot be sent without SMTPUTF8 (non-ASCII local part).</summary>
    public static bool NeedsSmtpUtf8(string address) => !IsAscii(NormalizeAddress(address));
}
