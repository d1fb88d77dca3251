using System.Text.RegularExpressions;

namespace Triton.Core.Lists;

/// <summary>What a custom column name may be: an identifier, unique case-insensitively, not a built-in column.</summary>
public static partial class ListColumnRules
{
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "email", "user_id" };

    /// <summary>Every problem with these names, empty when they are fine.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<string> columns)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var column in columns)
        {
            if (column is null || !Identifier().IsMatch(column))
                problems.Add($"{ReportedValue.Quote(column)} is not a valid column name: letters, digits and _ only, not starting with a digit.");
            else if (column.Length > 64)
                problems.Add($"{ReportedValue.Quote(column)} is longer than 64 characters.");
            else if (Reserved.Contains(column))
                problems.Add($"{ReportedValue.Quote(column)} is reserved: every list has email and user_id.");
            else if (!seen.Add(column))
                problems.Add($"{ReportedValue.Quote(column)} appears more than once (names are compared case-insensitively).");
        }
        return problems;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
