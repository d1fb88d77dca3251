namespace Triton.Core.Templates;

/// <summary>Finds a cycle among templates that include each other as partials.</summary>
public static class PartialGraph
{
    /// <param name="root">The template being saved, by name.</param>
    /// <param name="bodies">Every template body reachable from the root, by name, the root's new body included.</param>
    /// <returns>The cycle as a path of names, or null.</returns>
    public static IReadOnlyList<string>? FindCycle(string root, IReadOnlyDictionary<string, string> bodies)
    {
        var path = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        return Visit(root);

        IReadOnlyList<string>? Visit(string name)
        {
            var at = path.IndexOf(name);
            if (at >= 0) return [.. path.Skip(at), name];
            if (done.Contains(name) || !bodies.TryGetValue(name, out var body)) return null;
            path.Add(name);
            foreach (var next in TemplateCompiler.PartialNames(body))
                if (Visit(next) is { } cycle) return cycle;
            path.RemoveAt(path.Count - 1);
            done.Add(name);
            return null;
        }
    }
}
