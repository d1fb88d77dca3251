using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Domain;

namespace Triton.Core.Tracking;

/// <summary>The token purposes of opens and clicks: each its own key, so an open token never opens as a click.</summary>
public static class TrackingPurposes
{
    public const string Open = "open";
    public const string Click = "click";
}

/// <summary>
/// Decides whether a campaign's or trigger's messages are tracked and hands the composer a
/// <see cref="MessageTracker"/> with the keys loaded once for the whole run.
/// </summary>
public sealed class TrackingLinks(TokenSigner signer, IOptions<TritonOptions> options, TimeProvider time, ILogger<TrackingLinks> logger)
{
    private int _warnedNoPublicUrl;

    /// <summary>The tracker of a source's messages, or null when they are not tracked (no category, tracking off, or no public URL).</summary>
    public async Task<MessageTracker?> ForAsync(TrackedSource source, int sourceId, int? categoryId, bool enabled, CancellationToken cancellationToken)
    {
        if (!enabled || categoryId is not { } category) return null;
        if (options.Value.PublicBaseUrl is not { } baseUrl)
        {
            if (Interlocked.Exchange(ref _warnedNoPublicUrl, 1) == 0)
                logger.LogWarning("Triton:PublicUrl is not set to an http(s) address: opens and clicks are not tracked until it is");
            return null;
        }
        var open = await signer.KeyForAsync(TrackingPurposes.Open, cancellationToken);
        var click = await signer.KeyForAsync(TrackingPurposes.Click, cancellationToken);
        return new MessageTracker(baseUrl, open, click, source, sourceId, category, time);
    }
}

/// <summary>
/// Marks one source's messages: the open pixel and the click links, signed per message. Made once per
/// run; <see cref="For"/> runs per message from any thread.
/// </summary>
public sealed class MessageTracker(string baseUrl, TokenKey open, TokenKey click, TrackedSource source, int sourceId, int categoryId, TimeProvider time)
{
    /// <summary>Longer links are left as they are: a tracked URL must fit an index entry (tracked_links).</summary>
    public const int MaxUrlBytes = 2000;

    public string BaseUrl { get; } = baseUrl;

    public MessageMarks For(long reference, string? userId)
    {
        var payload = new TrackingPayload(source, sourceId, reference, categoryId, time.GetUtcNow().ToUnixTimeSeconds(), userId ?? "", null).ToBytes();
        // A click's payload is the open's followed by the URL: built once here, extended per link.
        return new MessageMarks(this, payload, BaseUrl + "/t/o/" + open.Sign(payload) + ".gif");
    }

    internal string ClickUrl(byte[] prefix, string url)
    {
        var urlBytes = Encoding.UTF8.GetByteCount(url);
        var whole = new byte[prefix.Length + urlBytes];
        prefix.CopyTo(whole, 0);
        Encoding.UTF8.GetBytes(url, whole.AsSpan(prefix.Length));
        return BaseUrl + "/t/c/" + click.Sign(whole);
    }

    /// <summary>http(s) links elsewhere than Triton's own /t/ and /u/ (unsubscribe) pages, short enough to track.</summary>
    internal bool IsTrackable(string url) =>
        (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        && !IsOwn(url, "/u/") && !IsOwn(url, "/t/")
        && Encoding.UTF8.GetByteCount(url) <= MaxUrlBytes;

    private bool IsOwn(string url, string path) =>
        url.Length > BaseUrl.Length + path.Length
        && url.StartsWith(BaseUrl, StringComparison.OrdinalIgnoreCase)
        && string.CompareOrdinal(url, BaseUrl.Length, path, 0, path.Length) == 0;
}

/// <summary>One message's pixel URL and the rewriting of its HTML.</summary>
public sealed class MessageMarks(MessageTracker tracker, byte[] prefix, string pixelUrl)
{
    public string PixelUrl { get; } = pixelUrl;

    /// <summary>
    /// Rewrites the links of a rendered HTML body and adds the pixel before &lt;/body&gt; (or at the
    /// end) unless the template placed it. One forward pass over the string, no DOM: the body is
    /// rendered per recipient, so this runs per message.
    /// </summary>
    public string Apply(string html, bool pixelPlaced)
    {
        var output = new StringBuilder(html.Length + 512);
        var copied = 0;
        var bodyClose = -1;
        var i = 0;
        while ((i = html.IndexOf('<', i)) >= 0 && i + 1 < html.Length)
        {
            if (string.CompareOrdinal(html, i, "<!--", 0, 4) == 0)
            {
                var end = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                if (end < 0) break;
                i = end + 3;
                continue;
            }
            if (html[i + 1] == '/')
            {
                if (IsName(html, i + 2, "body")) bodyClose = i;
                i += 2;
                continue;
            }
            var nameEnd = IsName(html, i + 1, "a") ? i + 2 : IsName(html, i + 1, "area") ? i + 5 : -1;
            if (nameEnd < 0)
            {
                i++;
                continue;
            }
            i = RewriteHref(html, nameEnd, output, ref copied);
        }
        var insertAt = pixelPlaced ? -1 : bodyClose >= copied ? bodyClose : html.Length;
        if (insertAt >= 0)
        {
            output.Append(html, copied, insertAt - copied);
            output.Append("<img src=\"").Append(PixelUrl)
                .Append("\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0;width:1px;height:1px\" />");
            copied = insertAt;
        }
        output.Append(html, copied, html.Length - copied);
        return output.ToString();
    }

    /// <summary>Walks one tag's attributes (quoted values may hold '&gt;'); rewrites its href. Answers where the tag ends.</summary>
    private int RewriteHref(string html, int at, StringBuilder output, ref int copied)
    {
        var length = html.Length;
        while (at < length)
        {
            while (at < length && (char.IsWhiteSpace(html[at]) || html[at] == '/')) at++;
            if (at >= length || html[at] == '>') return at + 1;
            var nameStart = at;
            while (at < length && !char.IsWhiteSpace(html[at]) && html[at] is not ('=' or '>')) at++;
            var isHref = at - nameStart == 4 && string.Compare(html, nameStart, "href", 0, 4, StringComparison.OrdinalIgnoreCase) == 0;
            while (at < length && char.IsWhiteSpace(html[at])) at++;
            if (at >= length || html[at] != '=') continue;
            at++;
            while (at < length && char.IsWhiteSpace(html[at])) at++;
            if (at >= length) return at;
            int valueStart, valueEnd;
            if (html[at] is '"' or '\'')
            {
                valueStart = at + 1;
                valueEnd = html.IndexOf(html[at], valueStart);
                if (valueEnd < 0) return length;
                at = valueEnd + 1;
            }
            else
            {
                valueStart = at;
                while (at < length && !char.IsWhiteSpace(html[at]) && html[at] != '>') at++;
                valueEnd = at;
            }
            if (!isHref) continue;
            var raw = html.AsSpan(valueStart, valueEnd - valueStart).Trim();
            var url = raw.Contains('&') ? WebUtility.HtmlDecode(raw.ToString()) : raw.ToString();
            if (!tracker.IsTrackable(url)) continue;
            output.Append(html, copied, valueStart - copied).Append(tracker.ClickUrl(prefix, url));
            copied = valueEnd;
        }
        return at;
    }

    /// <summary>The tag name at <paramref name="at"/> is <paramref name="name"/> (any case), followed by a space, '/' or '&gt;'.</summary>
    private static bool IsName(string html, int at, string name)
    {
        if (at + name.Length > html.Length || string.Compare(html, at, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) != 0) return false;
        var next = at + name.Length;
        return next == html.Length || char.IsWhiteSpace(html[next]) || html[next] is '/' or '>';
    }
}
