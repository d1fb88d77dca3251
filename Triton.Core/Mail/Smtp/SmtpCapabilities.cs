namespace Triton.Core.Mail.Smtp;

/// <summary>What the server advertised in its EHLO reply (empty after a HELO fallback).</summary>
public sealed class SmtpCapabilities
{
    public static readonly SmtpCapabilities None = new(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

    private SmtpCapabilities(IReadOnlyDictionary<string, string> extensions) => Extensions = extensions;

    /// <summary>Extension keyword (upper case) to its parameters.</summary>
    public IReadOnlyDictionary<string, string> Extensions { get; }

    public bool Pipelining => Extensions.ContainsKey("PIPELINING");
    public bool StartTls => Extensions.ContainsKey("STARTTLS");
    public bool EightBitMime => Extensions.ContainsKey("8BITMIME");
    public bool SmtpUtf8 => Extensions.ContainsKey("SMTPUTF8");

    /// <summary>The SIZE limit in bytes; null when not advertised or unlimited (SIZE 0 or SIZE alone).</summary>
    public long? MaxSize =>
        Extensions.TryGetValue("SIZE", out var value) && long.TryParse(value, out var size) && size > 0 ? size : null;

    public IReadOnlySet<string> AuthMechanisms =>
        Extensions.TryGetValue("AUTH", out var value)
            ? new HashSet<string>(value.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase)
            : new HashSet<string>();

    /// <summary>Parses the EHLO reply: the first line is the greeting, each further line "KEYWORD params".</summary>
    public static SmtpCapabilities Parse(SmtpReply ehloReply)
    {
        var extensions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in ehloReply.Lines.Skip(1))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0) continue;
            var space = trimmed.IndexOf(' ');
            var keyword = (space < 0 ? trimmed : trimmed[..space]).ToUpperInvariant();
            var parameters = space < 0 ? "" : trimmed[(space + 1)..].Trim();
            // Some old servers announce "AUTH=LOGIN PLAIN"; fold it into AUTH.
            if (keyword.StartsWith("AUTH=", StringComparison.Ordinal))
            {
                parameters = (keyword[5..] + " " + parameters).Trim();
                keyword = "AUTH";
            }
            extensions[keyword] = extensions.TryGetValue(keyword, out var existing) && existing.Length > 0
                ? existing + " " + parameters
                : parameters;
        }
        return new SmtpCapabilities(extensions);
    }

    public override string ToString() =>
        string.Join(", ", Extensions.Select(e => e.Value.Length == 0 ? e.Key : e.Key + " " + e.Value));
}
