using System.Net;

namespace Triton.Bench;

/// <summary>Many open pages of one path, each a <see cref="CircuitClient"/>, opened one after another.</summary>
public sealed class CircuitClients : IAsyncDisposable
{
    private readonly List<CircuitClient> _clients = [];

    public static async Task<CircuitClients> OpenAsync(Uri root, CookieContainer cookies, HttpClient user, string path, int count, string watchedText)
    {
        var pages = new CircuitClients();
        for (var i = 0; i < count; i++)
            pages._clients.Add(await CircuitClient.OpenAsync(root, cookies, user, path, watchedText));
        return pages;
    }

    public int Count => _clients.Count;

    /// <summary>Milliseconds each page took to come (prerendered HTML, then live: the circuit's first render batch).</summary>
    public IReadOnlyList<(double Prerender, double Live)> OpenTimes => _clients.Select(c => (c.PrerenderMilliseconds, c.LiveMilliseconds)).ToList();

    /// <summary>Render batches received per page so far (min, max), and every page's error.</summary>
    public (long Min, long Max) Batches =>
        _clients.Count == 0 ? (0, 0) : (_clients.Min(c => c.Batches), _clients.Max(c => c.Batches));

    /// <summary>Render batches and their bytes received by all pages so far.</summary>
    public (long Batches, long Bytes) Totals => (_clients.Sum(c => c.Batches), _clients.Sum(c => c.Bytes));

    /// <summary>The JavaScript functions the server called on these pages so far, summed over the pages.</summary>
    public Dictionary<string, int> JsCalls()
    {
        var sum = new Dictionary<string, int>();
        foreach (var client in _clients)
            foreach (var (identifier, count) in client.JsIdentifiers)
                sum[identifier] = sum.GetValueOrDefault(identifier) + count;
        return sum;
    }

    /// <summary>
    /// <paramref name="calls"/> (from <see cref="JsCalls"/>) per page by function, most called first, counting only
    /// those made after <paramref name="before"/> (an earlier <see cref="JsCalls"/>) when given.
    /// </summary>
    public static string PerPage(Dictionary<string, int> calls, int pages, Dictionary<string, int>? before = null)
    {
        if (pages == 0) return "no pages open";
        var made = calls
            .Select(c => (Identifier: c.Key, PerPage: (double)(c.Value - (before?.GetValueOrDefault(c.Key) ?? 0)) / pages))
            .Where(c => c.PerPage > 0).OrderByDescending(c => c.PerPage).ThenBy(c => c.Identifier).ToList();
        return made.Count == 0 ? "none" : $"{made.Sum(c => c.PerPage):0.#} per page: "
            + string.Join(", ", made.Select(c => $"{c.Identifier} {c.PerPage:0.#}"));
    }

    public string Summary(string watched)
    {
        if (_clients.Count == 0) return "no pages open";
        var errors = _clients.Where(c => c.Error is not null).Select(c => c.Error).ToList();
        return $"{_clients.Count} pages, render batches per page: min {_clients.Min(c => c.Batches)}, max {_clients.Max(c => c.Batches)} "
            + $"({_clients.Sum(c => c.Bytes) / _clients.Count / 1024.0:F0} KB each), JS calls answered per page {_clients.Max(c => c.JsCalls)}, "
            + $"pages that received \"{watched}\": {_clients.Count(c => c.BatchesWithWatchedText > 0)}"
            + (errors.Count > 0 ? $"; {errors.Count} errors ({errors[0]})" : "");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) await client.DisposeAsync();
    }
}
