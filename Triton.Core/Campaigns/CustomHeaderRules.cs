namespace Triton.Core.Campaigns;

/// <summary>Which extra headers a campaign may set: well-formed, single-line, not Triton's own.</summary>
public static class CustomHeaderRules
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "MIME-Version", "Sender",
        "Return-Path", "List-Unsubscribe", "List-Unsubscribe-Post",
    };

    /// <summary>RFC 5322 field-name: printable US-ASCII except colon.</summary>
    public static bool IsFieldName(string name) =>
        name.Length is > 0 and <= 76 && name.All(c => c >= 33 && c <= 126 && c != ':');

    public static bool IsReserved(string name) =>
        Reserved.Contains(name) || name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase);

    public static bool IsValue(string? value) =>
        value is not null && value.Length <= 998 && value.IndexOfAny(['\r', '\n', '\0']) < 0;
}
