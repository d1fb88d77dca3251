namespace Triton.Core.Lists;

/// <summary>
/// How an error message quotes a bad value from a request or a file: at most 100 characters, then an
/// ellipsis, so a report of a thousand bad rows stays small whatever the rows held.
/// </summary>
public static class ReportedValue
{
    public const int MaxLength = 100;

    /// <summary>The value in single quotes, cut to <see cref="MaxLength"/> characters.</summary>
    public static string Quote(string? value)
    {
        value ??= "";
        if (value.Length <= MaxLength) return $"'{value}'";
        // Never split a surrogate pair: the message may be encoded as UTF-8 later.
        var cut = char.IsHighSurrogate(value[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
        return $"'{value[..cut]}…'";
    }
}
