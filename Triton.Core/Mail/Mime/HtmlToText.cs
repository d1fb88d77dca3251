using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Triton.Core.Mail.Mime;

/// <summary>Derives the plain-text alternative from an HTML body: block structure kept, links shown as "text (url)".</summary>
public static class HtmlToText
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase) { "head", "script", "style", "title", "template" };
    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "tr", "blockquote", "pre", "section",
        "article", "header", "footer", "hr", "address", "center",
    };

    public static string Convert(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var text = new StringBuilder();
        Walk(document.Body ?? (INode)document.DocumentElement, text);
        var lines = text.ToString().Split('\n').Select(l => l.Trim());
        var result = new StringBuilder();
        var blank = 0;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                blank++;
                continue;
            }
            if (result.Length > 0) result.Append(blank > 0 ? "\n\n" : "\n");
            blank = 0;
            result.Append(line);
        }
        return result.ToString();
    }

    private static void Walk(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t:
                    AppendCollapsed(t.Data, text);
                    break;
                case IElement e when Skipped.Contains(e.LocalName):
                    break;
                case IElement e when e.LocalName == "br":
                    text.Append('\n');
                    break;
                case IElement e when e.LocalName == "td" || e.LocalName == "th":
                    Walk(e, text);
                    text.Append(' ');
                    break;
                case IElement e when e.LocalName == "a":
                    var before = text.Length;
                    Walk(e, text);
                    var label = text.ToString(before, text.Length - before).Trim();
                    var href = e.GetAttribute("href");
                    if (!string.IsNullOrWhiteSpace(href) && !href.StartsWith('#') && href != label)
                        text.Append(label.Length == 0 ? href : " (" + href + ")");
                    break;
                case IElement e when e.LocalName == "li":
                    text.Append("\n- ");
                    Walk(e, text);
                    text.Append('\n');
                    break;
                case IElement e when Blocks.Contains(e.LocalName):
                    text.Append("\n\n");
                    Walk(e, text);
                    text.Append("\n\n");
                    break;
                case IElement e:
                    Walk(e, text);
                    break;
            }
        }
    }

    private static void AppendCollapsed(string data, StringBuilder text)
    {
        foreach (var c in data)
        {
            if (char.IsWhiteSpace(c) && c != '\u00A0')
            {
                if (text.Length > 0 && text[^1] != ' ' && text[^1] != '\n') text.Append(' ');
            }
            else text.Append(c);
        }
    }
}
