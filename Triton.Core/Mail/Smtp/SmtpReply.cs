namespace Triton.Core.Mail.Smtp;

/// <summary>An RFC 3463 enhanced status code such as 4.7.1.</summary>
public readonly record struct EnhancedStatusCode(int Class, int Subject, int Detail)
{
    public override string ToString() => $"{Class}.{Subject}.{Detail}";

    /// <summary>Reads "c.s.d " from the start of a reply line's text.</summary>
    public static EnhancedStatusCode? Parse(string text)
    {
        var end = text.IndexOf(' ');
        var token = end < 0 ? text : text[..end];
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        if (!int.TryParse(parts[0], out var c) || c is not (2 or 4 or 5)) return null;
        if (!int.TryParse(parts[1], out var s) || parts[1].Length > 3) return null;
        if (!int.TryParse(parts[2], out var d) || parts[2].Length > 3) return null;
        return new EnhancedStatusCode(c, s, d);
    }
}

/// <summary>One (possibly multi-line) server reply.</summary>
public sealed record SmtpReply(int Code, IReadOnlyList<string> Lines)
{
    public EnhancedStatusCode? Enhanced => Lines.Count > 0 ? EnhancedStatusCode.Parse(Lines[0]) : null;
    public bool IsPositive => Code is >= 200 and < 400;
    public bool IsTransientNegative => Code is >= 400 and < 500;
    public bool IsPermanentNegative => Code >= 500;

    /// <summary>The reply as a person would read it: "550 5.1.1 No such user".</summary>
    public override string ToString() => Code + " " + string.Join(" ", Lines).Trim();
}
