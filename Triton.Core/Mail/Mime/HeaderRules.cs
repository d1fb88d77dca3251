namespace Triton.Core.Mail.Mime;

/// <summary>RFC 5322 checks on header names and values supplied by users.</summary>
public static class HeaderRules
{
    /// <summary>Headers the writer owns; a custom header must not duplicate them.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "DKIM-Signature",
    };

    /// <summary>field-name = 1*ftext; ftext = %d33-57 / %d59-126 (printable ASCII except colon).</summary>
    public static bool IsValidFieldName(string name)
    {
        if (string.IsNullOrEmpty(name)) return false;
        foreach (var c in name)
        {
            if (c < 33 || c > 126 || c == ':') return false;
        }
        return true;
    }

    public static void EnsureValid(string name, string value)
    {
        if (!IsValidFieldName(name))
            throw new InvalidHeaderException($"'{name}' is not a valid header name (RFC 5322: printable ASCII except ':' and space).", nameof(name));
        if (Reserved.Contains(name))
            throw new InvalidHeaderException($"The header '{name}' is set by Triton and cannot be given as a custom header.", nameof(name));
        if (value.Contains('\r') || value.Contains('\n'))
            throw new InvalidHeaderException($"The value of header '{name}' contains CR or LF.", nameof(value));
    }
}
