using Microsoft.Extensions.Options;

namespace Triton.Core.Tracking;

/// <summary>
/// Tells fetches by machines from opens and clicks by people. A fetch is a machine's when:
/// <list type="bullet">
/// <item>its User-Agent is missing, or is exactly <c>Mozilla/5.0</c>: what Apple Mail Privacy
/// Protection's proxy sends when it loads every image of every message on delivery;</item>
/// <item>its User-Agent names a known link scanner, security gateway, link previewer or HTTP library
/// (see <see cref="Signatures"/>);</item>
/// <item>it comes within Tracking:MachineWindowSeconds of the message being composed: receiving
/// servers and proxies fetch on arrival, no person reads that fast.</item>
/// </list>
/// Machine fetches are counted apart (machine opens, machine clicks), never as people's, and never
/// make an open unique. A machine's click still redirects: a scanner that follows it sees the real page.
/// </summary>
public sealed class MachineFetches(IOptions<TrackingOptions> options, TimeProvider time)
{
    /// <summary>Substrings (any case) of the User-Agents of scanners, previewers, crawlers and HTTP libraries.</summary>
    public static readonly string[] Signatures =
    [
        "bot", "spider", "crawl", "scanner", "preview", "prefetch", "barracuda", "mimecast", "proofpoint", "forcepoint",
        "symantec", "messagelabs", "trendmicro", "sophos", "fortiguard", "ironport", "safelinks", "microsoft office",
        "facebookexternalhit", "skypeuripreview", "python-", "curl/", "wget/", "go-http-client", "java/", "okhttp",
        "libwww", "httpclient", "headlesschrome", "phantomjs",
    ];

    public bool IsMachine(string? userAgent, long composedAtSeconds)
    {
        var agent = userAgent?.Trim();
        if (string.IsNullOrEmpty(agent) || agent == "Mozilla/5.0") return true;
        foreach (var signature in Signatures)
            if (agent.Contains(signature, StringComparison.OrdinalIgnoreCase)) return true;
        var window = options.Value.MachineWindowSeconds;
        return window > 0 && time.GetUtcNow().ToUnixTimeSeconds() - composedAtSeconds < window;
    }
}
