using System.Text.RegularExpressions;

namespace Triton.Core.Templates;

/// <summary>Where a name a template uses gets its value when a campaign or trigger renders it.</summary>
public enum VariableSource { ListColumn, CampaignVariable, BuiltIn, Partial, Helper, Unknown }

/// <summary>One name a template uses, where it comes from, and the lines it appears on.</summary>
public sealed record UsedVariable(string Name, VariableSource Source, IReadOnlyList<int> Lines);

/// <summary>What the names of a template may resolve to: the chosen list's columns, the campaigns' variables, other templates.</summary>
public sealed record VariableScope(IReadOnlyCollection<string> ListColumns, IReadOnlyCollection<string> CampaignVariables, IReadOnlyCollection<string> Partials);

/// <summary>
/// Lists the names a Handlebars template uses by scanning its mustaches, as the editor's "Used
/// variables" tab shows them. A scan, not a compile: it still answers for markup that does not
/// compile yet, and it reports names by their root (<c>{{order.total}}</c> is <c>order</c>).
/// </summary>
public static partial class TemplateVariables
{
    /// <summary>The recipient and tracking values every render sets (see RenderContextBuilder).</summary>
    public static readonly IReadOnlyList<(string Name, string About)> BuiltIns =
    [
        ("email", "the recipient's address"),
        ("user_id", "the recipient's id in your application"),
        ("tracking_category_id", "the campaign's tracking category"),
        ("tracking_category_name", "its name"),
    ];

    /// <summary>Triton's helpers (TemplateHelpers) with an example call each.</summary>
    public static readonly IReadOnlyList<(string Name, string Example, string About)> Helpers =
    [
        ("formatDate", "{{formatDate value \"yyyy-MM-dd\"}}", "a date in a .NET format"),
        ("formatNumber", "{{formatNumber value \"N0\"}}", "a number in a .NET format"),
        ("default", "{{default value \"fallback\"}}", "the value, or the fallback when empty"),
        ("upper", "{{upper value}}", "upper case"),
        ("lower", "{{lower value}}", "lower case"),
        ("urlEncode", "{{urlEncode value}}", "escaped for a URL"),
    ];

    /// <summary>Handlebars' own block helpers and keywords: they name no value.</summary>
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "if", "unless", "each", "with", "lookup", "else", "this", "log", "true", "false", "null", "undefined" };

    public static IReadOnlyList<UsedVariable> Analyze(string body, VariableScope scope)
    {
        var found = new Dictionary<string, (VariableSource Source, SortedSet<int> Lines)>(StringComparer.Ordinal);
        var helpers = Helpers.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        var builtIns = BuiltIns.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        var columns = scope.ListColumns.ToHashSet(StringComparer.Ordinal);
        var variables = scope.CampaignVariables.ToHashSet(StringComparer.Ordinal);
        var partials = scope.Partials.ToHashSet(StringComparer.Ordinal);
        foreach (Match match in Mustache().Matches(body))
        {
            var line = 1 + body.AsSpan(0, match.Index).Count('\n');
            var inner = match.Groups["inner"].Value.Trim().TrimStart('~').TrimEnd('~').Trim();
            if (inner.Length == 0 || inner[0] is '!' or '/') continue;
            if (inner[0] == '>')
            {
                var partial = inner[1..].Trim().Split(' ', 2)[0].Trim('"', '\'');
                if (partial.Length > 0 && !partial.StartsWith('@'))
                    Add(partial, partials.Contains(partial) ? VariableSource.Partial : VariableSource.Unknown, line);
                continue;
            }
            if (inner[0] is '#' or '^' or '&' or '{') inner = inner[1..].TrimEnd('}').Trim();
            var tokens = Tokens().Matches(inner).Select(m => m.Value).ToList();
            for (var i = 0; i < tokens.Count; i++)
            {
                var token = tokens[i];
                // key=value: the key names a hash argument, the value may name a variable.
                if (token.Contains('=') && !token.StartsWith('"') && !token.StartsWith('\'')) token = token[(token.IndexOf('=') + 1)..];
                if (token.Length == 0 || token[0] is '"' or '\'' or '@' or '(' or ')' || char.IsDigit(token[0]) || token[0] == '-') continue;
                while (token.StartsWith("../", StringComparison.Ordinal)) token = token[3..];
                if (token.StartsWith("this.", StringComparison.Ordinal)) token = token[5..];
                var root = token.Split('.', '/', '[')[0].Trim('(', ')');
                if (root.Length == 0 || Keywords.Contains(root) || root == "as" || root.StartsWith('|')) continue;
                // The first word of a mustache with arguments is a helper call when it names one.
                if (i == 0 && helpers.Contains(root)) { Add(root, VariableSource.Helper, line); continue; }
                Add(root,
                    builtIns.Contains(root) ? VariableSource.BuiltIn
                    : columns.Contains(root) ? VariableSource.ListColumn
                    : variables.Contains(root) ? VariableSource.CampaignVariable
                    : helpers.Contains(root) ? VariableSource.Helper
                    : VariableSource.Unknown, line);
            }
        }
        return found.OrderBy(f => f.Value.Lines.Min).ThenBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => new UsedVariable(f.Key, f.Value.Source, f.Value.Lines.ToList())).ToList();

        void Add(string name, VariableSource source, int line)
        {
            if (!found.TryGetValue(name, out var entry)) found[name] = entry = (source, []);
            entry.Lines.Add(line);
        }
    }

    [GeneratedRegex(@"\{\{(?<inner>[\s\S]*?)\}\}\}?")]
    private static partial Regex Mustache();

    /// <summary>Words, quoted strings and sub-expression parentheses of one mustache.</summary>
    [GeneratedRegex(@"""[^""]*""|'[^']*'|[^\s()]+=(""[^""]*""|'[^']*'|[^\s()]+)|[()]|[^\s()]+")]
    private static partial Regex Tokens();
}
