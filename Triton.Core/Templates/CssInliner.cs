using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Css.Dom;
using AngleSharp.Css.Parser;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Triton.Core.Templates;

/// <summary>
/// Moves &lt;style&gt; rules into style attributes (by specificity, then order; !important wins),
/// keeping @media and pseudo-class rules in a &lt;style&gt; block. It works on template markup
/// before compiling: Handlebars expressions are swapped for placeholders the HTML parser keeps in place.
/// </summary>
public sealed partial class CssInliner
{
    private readonly CssParser _cssParser = new();

    /// <summary>The text of every &lt;style&gt; element in these sources, in order.</summary>
    public string CollectStyles(IEnumerable<string> sources)
    {
        var css = new StringBuilder();
        foreach (var source in sources)
            foreach (Match match in StyleElement().Matches(source))
                css.Append(match.Groups["css"].Value).Append('\n');
        return css.ToString();
    }

    public string Inline(string markup, string css, bool keepMediaRules)
    {
        var (protectedMarkup, expressions) = Protect(markup);
        var isDocument = DocumentMarker().IsMatch(markup);
        var parser = new HtmlParser();
        // A fragment goes inside a body, so a leading placeholder comment is not hoisted out of it.
        var document = parser.ParseDocument(isDocument ? protectedMarkup : "<!DOCTYPE html><html><head></head><body>" + protectedMarkup);

        foreach (var style in document.QuerySelectorAll("style").ToList()) style.Remove();

        var sheet = _cssParser.ParseStyleSheet(css);
        var kept = new StringBuilder();
        var declarations = new Dictionary<IElement, List<Declaration>>();
        var order = 0;
        foreach (var rule in sheet.Rules)
        {
            if (rule is ICssStyleRule styleRule && !NonInlinable().IsMatch(styleRule.SelectorText))
            {
                foreach (var selector in styleRule.SelectorText.Split(','))
                {
                    var specificity = Specificity(selector);
                    foreach (var element in document.QuerySelectorAll(selector.Trim()))
                    {
                        if (!declarations.TryGetValue(element, out var list)) declarations[element] = list = [];
                        foreach (var property in styleRule.Style)
                            list.Add(new Declaration(property.Name, property.Value, property.IsImportant,
                                specificity, order++));
                    }
                }
            }
            else
            {
                kept.Append(rule.CssText).Append('\n');
            }
        }

        foreach (var (element, list) in declarations)
        {
            // Existing style attributes beat any selector, unless the rule says !important.
            var inline = element.GetAttribute("style");
            if (!string.IsNullOrWhiteSpace(inline))
            {
                foreach (var property in _cssParser.ParseDeclaration(inline) ?? Enumerable.Empty<ICssProperty>())
                    list.Add(new Declaration(property.Name, property.Value, property.IsImportant, (1000, 0, 0), order++));
            }
            var winners = list
                .OrderBy(d => d.Important).ThenBy(d => d.Specificity).ThenBy(d => d.Order)
                .GroupBy(d => d.Property)
                .Select(g => g.Last())
                .OrderBy(d => d.Order);
            element.SetAttribute("style", string.Join("; ", winners.Select(d => d.Important ? $"{d.Property}: {d.Value} !important" : $"{d.Property}: {d.Value}")));
        }

        if (keepMediaRules && kept.Length > 0)
        {
            var style = document.CreateElement("style");
            style.TextContent = kept.ToString().TrimEnd();
            (document.Head ?? document.Body!).AppendChild(style);
        }

        var html = isDocument ? document.DocumentElement.OuterHtml : BodyAndHead(document, keepMediaRules && kept.Length > 0);
        if (isDocument && DoctypeMarker().Match(markup) is { Success: true } doctype) html = doctype.Value + "\n" + html;
        return Restore(html, expressions);
    }

    private static string BodyAndHead(IDocument document, bool keptStyle) =>
        (keptStyle ? document.Head!.InnerHtml : "") + document.Body!.InnerHtml;

    /// <summary>(ids, classes and attributes, type selectors) of one selector, as CSS ranks them.</summary>
    private static (int, int, int) Specificity(string selector)
    {
        var withoutAttributes = AttributeSelector().Replace(selector, " ");
        var attributes = AttributeSelector().Matches(selector).Count;
        var ids = IdSelector().Matches(withoutAttributes).Count;
        var classes = ClassSelector().Matches(withoutAttributes).Count + attributes;
        var tags = TypeSelector().Matches(withoutAttributes).Count;
        return (ids, classes, tags);
    }

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex AttributeSelector();

    [GeneratedRegex(@"#[\w-]+")]
    private static partial Regex IdSelector();

    [GeneratedRegex(@"\.[\w-]+")]
    private static partial Regex ClassSelector();

    [GeneratedRegex(@"(?:^|[\s>+~])([a-zA-Z][\w-]*)")]
    private static partial Regex TypeSelector();

    private sealed record Declaration(string Property, string Value, bool Important, (int, int, int) Specificity, int Order);

    /// <summary>Expressions inside a tag become attribute-safe tokens; elsewhere HTML comments, which stay put even in tables.</summary>
    private static (string Markup, List<string> Expressions) Protect(string markup)
    {
        var expressions = new List<string>();
        var builder = new StringBuilder(markup.Length);
        var last = 0;
        foreach (Match match in Expression().Matches(markup))
        {
            builder.Append(markup, last, match.Index - last);
            var index = expressions.Count;
            expressions.Add(match.Value);
            builder.Append(InsideTag(markup, match.Index) ? $"hbx{index}xbh" : $"<!--hbx{index}xbh-->");
            last = match.Index + match.Length;
        }
        builder.Append(markup, last, markup.Length - last);
        return (builder.ToString(), expressions);
    }

    private static bool InsideTag(string markup, int position)
    {
        var open = markup.LastIndexOf('<', position - 1 < 0 ? 0 : position - 1);
        var close = markup.LastIndexOf('>', position - 1 < 0 ? 0 : position - 1);
        return open > close;
    }

    private static string Restore(string html, List<string> expressions) =>
        Placeholder().Replace(html, match => expressions[int.Parse(match.Groups["i"].Value)]);

    [GeneratedRegex(@"\{\{\{.*?\}\}\}|\{\{!--.*?--\}\}|\{\{.*?\}\}", RegexOptions.Singleline)]
    private static partial Regex Expression();

    [GeneratedRegex(@"(?:<!--|&lt;!--)hbx(?<i>\d+)xbh(?:-->|--&gt;)|hbx(?<i>\d+)xbh")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"<style[^>]*>(?<css>.*?)</style>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex StyleElement();

    [GeneratedRegex(@"<html[\s>]", RegexOptions.IgnoreCase)]
    private static partial Regex DocumentMarker();

    [GeneratedRegex(@"<!doctype[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex DoctypeMarker();

    /// <summary>Pseudo-classes and pseudo-elements cannot live in a style attribute.</summary>
    [GeneratedRegex(@":")]
    private static partial Regex NonInlinable();
}
