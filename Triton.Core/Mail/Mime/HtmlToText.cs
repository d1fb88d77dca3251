using System.Buffers;
using System.Net;
using System.Text;

namespace Triton.Core.Mail.Mime;

/// <summary>
/// Derives the plain-text alternative from an HTML body: block structure kept, list items as
/// "- item", links shown as "text (url)", script, style and head content left out. It runs for
/// every message, so it scans the markup once instead of building a document, copies runs of text
/// whole and allocates nothing per tag.
/// </summary>
public static class HtmlToText
{
    private static readonly HashSet<string> RawText = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "title", "template", "textarea" };
    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "tr", "blockquote", "pre", "section",
        "article", "header", "footer", "hr", "address", "center",
    };
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> RawTextNames = RawText.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> BlockNames = Blocks.GetAlternateLookup<ReadOnlySpan<char>>();
    // char.IsWhiteSpace without the no-break space, which stays in the text.
    private static readonly SearchValues<char> Collapsible = SearchValues.Create(
        "\t\n\v\f\r \u0085\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000");

    public static string Convert(string html)
    {
        var text = new PlainText(html.Length / 4);
        var links = new Stack<(int Start, string? Href)>();
        var inHead = false;
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            var end = lt < 0 ? html.Length : lt;
            if (end > i && !inHead) AppendText(html.AsSpan(i, end - i), text);
            if (lt < 0) break;

            if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
            {
                var close = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                i = close < 0 ? html.Length : close + 3;
                continue;
            }
            if (lt + 1 < html.Length && html[lt + 1] is '!' or '?')
            {
                var close = html.IndexOf('>', lt);
                i = close < 0 ? html.Length : close + 1;
                continue;
            }
            if (!TryReadTag(html, lt, out var tag))
            {
                // A '<' that opens no tag is text.
                if (!inHead) text.Append('<');
                i = lt + 1;
                continue;
            }
            i = tag.End;

            var name = html.AsSpan(tag.NameStart, tag.NameLength);
            if (!tag.Closing && RawTextNames.Contains(name))
            {
                var close = IndexOfClosing(html, name, i);
                var after = close < 0 ? -1 : html.IndexOf('>', close);
                i = after < 0 ? html.Length : after + 1;
                continue;
            }
            if (name.Equals("head", StringComparison.OrdinalIgnoreCase)) { inHead = !tag.Closing; continue; }
            if (name.Equals("body", StringComparison.OrdinalIgnoreCase)) { inHead = false; continue; }
            if (inHead) continue;

            if (name.Equals("br", StringComparison.OrdinalIgnoreCase)) text.Append('\n');
            else if (name.Equals("td", StringComparison.OrdinalIgnoreCase) || name.Equals("th", StringComparison.OrdinalIgnoreCase)) text.Space();
            else if (name.Equals("li", StringComparison.OrdinalIgnoreCase)) ListItem(text, tag.Closing);
            else if (name.Equals("a", StringComparison.OrdinalIgnoreCase))
            {
                if (!tag.Closing) links.Push((text.Length, tag.Href));
                else if (links.TryPop(out var link)) AppendLinkTarget(text, link.Start, link.Href);
            }
            else if (BlockNames.Contains(name)) text.Append("\n\n");
        }
        return Tidy(text.Builder);
    }

    private readonly record struct Tag(int NameStart, int NameLength, bool Closing, string? Href, int End);

    /// <summary>Where "&lt;/name" starts at or after <paramref name="from"/> (any case), or -1.</summary>
    private static int IndexOfClosing(string html, ReadOnlySpan<char> name, int from)
    {
        while (from < html.Length)
        {
            var at = html.IndexOf("</", from, StringComparison.Ordinal);
            if (at < 0) return -1;
            if (html.AsSpan(at + 2).StartsWith(name, StringComparison.OrdinalIgnoreCase)) return at;
            from = at + 2;
        }
        return -1;
    }

    /// <summary>Reads the tag at <paramref name="start"/> ('&lt;'): its name, whether it closes, an a's href, where it ends.</summary>
    private static bool TryReadTag(string html, int start, out Tag tag)
    {
        tag = default;
        var i = start + 1;
        var closing = i < html.Length && html[i] == '/';
        if (closing) i++;
        if (i >= html.Length || !char.IsAsciiLetter(html[i])) return false;
        var nameStart = i;
        while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] is not ('>' or '/')) i++;
        var nameLength = i - nameStart;
        var isLink = nameLength == 1 && html[nameStart] is 'a' or 'A' && !closing;
        string? href = null;
        while (i < html.Length && html[i] != '>')
        {
            if (char.IsWhiteSpace(html[i]) || html[i] == '/') { i++; continue; }
            var attributeStart = i;
            while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] is not ('=' or '>' or '/')) i++;
            var attribute = html.AsSpan(attributeStart, i - attributeStart);
            while (i < html.Length && char.IsWhiteSpace(html[i])) i++;
            if (i >= html.Length || html[i] != '=') continue;
            i++;
            while (i < html.Length && char.IsWhiteSpace(html[i])) i++;
            int valueStart, valueEnd;
            if (i < html.Length && html[i] is '"' or '\'')
            {
                var quote = html[i];
                valueStart = i + 1;
                var close = html.IndexOf(quote, valueStart);
                valueEnd = close < 0 ? html.Length : close;
                i = close < 0 ? html.Length : close + 1;
            }
            else
            {
                valueStart = i;
                while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] != '>') i++;
                valueEnd = i;
            }
            if (isLink && attribute.Equals("href", StringComparison.OrdinalIgnoreCase))
                href = WebUtility.HtmlDecode(html[valueStart..valueEnd]).Trim();
        }
        tag = new Tag(nameStart, nameLength, closing, href, Math.Min(i + 1, html.Length));
        return true;
    }

    private static void AppendLinkTarget(PlainText text, int start, string? href)
    {
        if (string.IsNullOrWhiteSpace(href) || href.StartsWith('#')) return;
        var label = text.Builder.ToString(start, text.Length - start).Trim();
        if (href == label) return;
        text.Append(label.Length == 0 ? href : " (" + href + ")");
    }

    /// <summary>Appends text with entities decoded and white space collapsed (a no-break space stays).</summary>
    private static void AppendText(ReadOnlySpan<char> raw, PlainText text)
    {
        var data = raw.Contains('&') ? WebUtility.HtmlDecode(raw.ToString()).AsSpan() : raw;
        while (!data.IsEmpty)
        {
            var space = data.IndexOfAny(Collapsible);
            if (space < 0)
            {
                text.Append(data);
                return;
            }
            if (space > 0) text.Append(data[..space]);
            text.Space();
            data = data[(space + 1)..];
        }
    }

    /// <summary>Each item on its own line, without blank lines between items.</summary>
    private static void ListItem(PlainText text, bool closing)
    {
        if (text.Length > 0 && text.Last != '\n') text.Append('\n');
        if (!closing) text.Append("- ");
    }

    /// <summary>Lines trimmed; runs of blank lines become one; no blank lines at either end.</summary>
    private static string Tidy(StringBuilder text)
    {
        // One pass between two pooled buffers: the text of a newsletter is tens of kilobytes, and copying it through a
        // string and a second builder doubled what every message allocated here.
        var length = text.Length;
        var source = ArrayPool<char>.Shared.Rent(length);
        var target = ArrayPool<char>.Shared.Rent(length);
        try
        {
            text.CopyTo(0, source, length);
            var whole = source.AsSpan(0, length);
            var written = 0;
            var blank = 0;
            foreach (var range in whole.Split('\n'))
            {
                var line = whole[range].Trim();
                if (line.Length == 0)
                {
                    blank++;
                    continue;
                }
                // Never longer than the source: a separator written here stands for at least as many line ends there.
                if (written > 0)
                {
                    if (blank > 0) target[written++] = '\n';
                    target[written++] = '\n';
                }
                blank = 0;
                line.CopyTo(target.AsSpan(written));
                written += line.Length;
            }
            return new string(target, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(source);
            ArrayPool<char>.Shared.Return(target);
        }
    }

    /// <summary>The text being built, and its last character (a StringBuilder's indexer walks its chunks).</summary>
    private sealed class PlainText(int capacity)
    {
        public StringBuilder Builder { get; } = new(capacity);
        public char Last { get; private set; }
        public int Length => Builder.Length;

        public void Append(char c)
        {
            Builder.Append(c);
            Last = c;
        }

        public void Append(ReadOnlySpan<char> chars)
        {
            if (chars.IsEmpty) return;
            Builder.Append(chars);
            Last = chars[^1];
        }

        /// <summary>One space between words: none at the start, after a space or after a line end.</summary>
        public void Space()
        {
            if (Builder.Length > 0 && Last != ' ' && Last != '\n') Append(' ');
        }
    }
}
