using System.Text.RegularExpressions;

namespace Triton.Bench;

/// <summary>
/// Counts the SQL commands a Triton.Web child process ran, by kind and table, from EF Core's command log
/// (switched on by TRITON_BENCH_SQL=1: it costs the server CPU, so figures taken with it are counts, not
/// times). Commands the engine runs outside EF Core are not seen.
/// </summary>
public sealed partial class SqlCommandCounter
{
    private const string Category = "Microsoft.EntityFrameworkCore.Database.Command";
    private readonly Dictionary<string, int> _counts = [];
    private bool _inCommand;
    private bool _counting;

    public static SqlCommandCounter? FromEnvironment() =>
        Environment.GetEnvironmentVariable("TRITON_BENCH_SQL") == "1" ? new SqlCommandCounter() : null;

    /// <summary>The server's setting that writes each executed command to its console.</summary>
    public void Configure(Dictionary<string, string> environment) =>
        environment[$"Logging__LogLevel__{Category}"] = "Information";

    /// <summary>Takes one line of the server's output; false when it is not part of a command's log.</summary>
    public bool Take(string line)
    {
        if (line.Contains("Executed DbCommand", StringComparison.Ordinal) || line.Contains("Failed executing DbCommand", StringComparison.Ordinal))
        {
            (_inCommand, _counting) = (true, false);
            return true;
        }
        if (line.StartsWith("info: " + Category, StringComparison.Ordinal)) return true;
        if (!_inCommand || !line.StartsWith(' ')) return _inCommand = false;
        if (line.Contains("COUNT(", StringComparison.Ordinal)) _counting = true;
        if (Table().Match(line) is { Success: true } table)
        {
            var verb = line.TrimStart().Split(' ')[0];
            var key = (verb is "SELECT" or "FROM" ? (_counting ? "count" : "select") : verb.ToLowerInvariant()) + " " + table.Groups[1].Value;
            lock (_counts) _counts[key] = _counts.GetValueOrDefault(key) + 1;
            _inCommand = false;
        }
        return true;
    }

    /// <summary>The counts since the last call, most frequent first, and starts counting again.</summary>
    public string TakeSummary()
    {
        lock (_counts)
        {
            var summary = string.Join(", ", _counts.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value}"));
            _counts.Clear();
            return summary.Length == 0 ? "none" : summary;
        }
    }

    [GeneratedRegex("(?:FROM|INTO|UPDATE) \"(\\w+)\"")]
    private static partial Regex Table();
}
