using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Css;
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
/// <remarks>
/// Author markup must not hang a save or a campaign run: every regex gives up after a second, the
/// parse and the matching stop when the caller's token is cancelled, and the costs that grow
/// fastest are capped (<see cref="MaxDepth"/>, <see cref="MaxSearchingCombinators"/>, <see cref="MaxDeclarations"/>).
/// </remarks>
public sealed partial class CssInliner
{
    /// <summary>The deepest element nesting CSS is inlined into: matching "a b" walks up from every element.</summary>
    public const int MaxDepth = 100;

    /// <summary>
    /// Descendant combinators a selector may have and still be inlined; each one multiplies the walk up
    /// the tree. Such selectors, and any with a general sibling combinator (~), stay in the style block.
    /// </summary>
    public const int MaxSearchingCombinators = 4;

    /// <summary>Declarations copied into style attributes at most (rules times the elements they match).</summary>
    public const int MaxDeclarations = 1_000_000;

    /// <summary>Every regex here gives up after this long and the inlining fails with a clear error.</summary>
    private const int RegexTimeoutMilliseconds = 1000;

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

    /// <param name="cancellationToken">Cancelled when the caller's time for inlining is up: parsing and matching stop.</param>
    /// <exception cref="TemplateCompileException">The markup nests deeper than <see cref="MaxDepth"/>, or the rules would copy too many declarations.</exception>
    /// <exception cref="RegexMatchTimeoutException">The markup is too complex for a scan to finish in time.</exception>
    public string Inline(string markup, string css, bool keepMediaRules, CancellationToken cancellationToken = default)
    {
        var (protectedMarkup, expressions) = Protect(markup);
        var isDocument = DocumentMarker().IsMatch(markup);
        var parser = new HtmlParser();
        // A fragment goes inside a body, so a leading placeholder comment is not hoisted out of it.
        // The asynchronous parse is the one that stops when cancelled (deep nesting makes parsing slow);
        // over a string it completes without waiting on anything.
        var document = parser.ParseDocumentAsync(isDocument ? protectedMarkup : "<!DOCTYPE html><html><head></head><body>" + protectedMarkup,
            cancellationToken).GetAwaiter().GetResult();

        foreach (var style in document.QuerySelectorAll("style").ToList()) style.Remove();
        var elements = document.QuerySelectorAll("*").ToArray();
        if (Depth(elements) is var depth and > MaxDepth)
            throw new TemplateCompileException(
                $"The markup nests elements {depth} deep; CSS is inlined into markup nested at most {MaxDepth} deep. Flatten the markup or turn off CSS inlining.", 1, 1);

        var sheet = _cssParser.ParseStyleSheet(css);
        var kept = new StringBuilder();
        var declarations = new Dictionary<IElement, List<Declaration>>();
        var order = 0;
        foreach (var rule in sheet.Rules)
        {
            if (rule is ICssStyleRule styleRule && !NonInlinable().IsMatch(styleRule.SelectorText) && Inlinable(styleRule.Selector) is { } selectors)
            {
                foreach (var selector in selectors)
                {
                    var specificity = Specificity(selector.Text);
                    foreach (var element in elements)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (!selector.Match(element, null)) continue;
                        if (!declarations.TryGetValue(element, out var list)) declarations[element] = list = [];
                        foreach (var property in styleRule.Style)
                            list.Add(new Declaration(property.Name, property.Value, property.IsImportant,
                                specificity, order++));
                        if (order > MaxDeclarations)
                            throw new TemplateCompileException(
                                $"The style rules would copy more than {MaxDeclarations:N0} declarations into style attributes. Use fewer or narrower rules, or turn off CSS inlining.", 1, 1);
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

    /// <summary>The deepest nesting among elements in document order (a parent always comes before its children).</summary>
    private static int Depth(IElement[] elements)
    {
        var depths = new Dictionary<IElement, int>(elements.Length);
        var deepest = 0;
        foreach (var element in elements)
        {
            var depth = element.ParentElement is { } parent && depths.TryGetValue(parent, out var above) ? above + 1 : 1;
            depths[element] = depth;
            deepest = Math.Max(deepest, depth);
        }
        return deepest;
    }

    /// <summary>The rule's selectors, or null when one of them searches too far to be inlined (it stays in the style block).</summary>
    private static IReadOnlyList<ISelector>? Inlinable(ISelector? selector)
    {
        if (selector is null) return null;
        var list = new SelectorParts();
        selector.Accept(list);
        var parts = list.Parts ?? [selector];
        foreach (var part in parts)
        {
            var combinators = new SelectorParts();
            part.Accept(combinators);
            if (combinators.Searching > MaxSearchingCombinators || combinators.Siblings > 0) return null;
        }
        return parts;
    }

    /// <summary>What one level of a selector is made of: the parts of a list, the combinators of a complex selector.</summary>
    private sealed class SelectorParts : ISelectorVisitor
    {
        public IReadOnlyList<ISelector>? Parts { get; private set; }
        public int Searching { get; private set; }
        public int Siblings { get; private set; }

        public void List(IEnumerable<ISelector> selectors) => Parts = [.. selectors];

        public void Combinator(IEnumerable<ISelector> selectors, IEnumerable<string> symbols)
        {
            foreach (var symbol in symbols)
            {
                var trimmed = symbol.Trim();
                if (trimmed.Length == 0 || trimmed == ">>") Searching++;
                else if (trimmed == "~") Siblings++;
            }
        }

        public void Attribute(string name, string op, string? value) { }
        public void Type(string name) { }
        public void Id(string value) { }
        public void Child(string name, int step, int offset, ISelector selector) { }
        public void Class(string name) { }
        public void PseudoClass(string name) { }
        public void PseudoElement(string name) { }
        public void Many(IEnumerable<ISelector> selectors) { }
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

    [GeneratedRegex(@"\[[^\]]*\]", RegexOptions.None, matchTimeoutMilliseconds: RegexTimeoutMilliseconds)]
    private static partial Regex AttributeSelector();

    [GeneratedRegex(@"#[\w-]+", RegexOptions.None, matchTimeoutMilliseconds: RegexTimeoutMilliseconds)]
    private static partial Regex IdSelector();

    [GeneratedRegex(@"\.[\w-]+", RegexOptions.None, matchTimeoutMilliseconds: RegexTimeoutMilliseconds)]
    private static partial Regex ClassSelector();

    [GeneratedRegex(@"(?:^|[\s>+~])([a-zA-Z][\w-]*)", RegexOptions.None, matchTimeoutMilliseconds: RegexTimeoutMilliseconds)]
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

    [GeneratedRegex(@"\{\{\{.*?\}\}\}|\{\{!--.*?--\}\}|\{\{.*?\}\}", RegexOptions.Singleline, matchTimeoutMilliseconds: RegexTimeoutMilliseconds)]
    private static partial Regex Expression();

    [GeneratedRegex(@"(?:<!--|&lt;!--)hbx(?<i>\d+)xbh(?:-->|--&gt;)|hbx(?<i>\d+)xbh", RegexOptions.None, matchTimeoutMilliseconds: RegexTimeoutMilliseconds)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"<style[^>]*>(?<css>.*?)</style>", RegexOptions.Singleline | RegexOptions.IgnoreCase, matchTimeoutMilliseconds: RegexTimeoutMilliseconds)]
    private static partial Regex StyleElement();

    [GeneratedRegex(@"<html[\s>]", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: RegexTimeoutMilliseconds)]
    private static partial Regex DocumentMarker();

    [GeneratedRegex(@"<!doctype[^>]*>", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: RegexTimeoutMilliseconds)]
    private static partial Regex DoctypeMarker();

    /// <summary>Pseudo-classes and pseudo-elements cannot live in a style attribute.</summary>
    [GeneratedRegex(@":", RegexOptions.None, matchTimeoutMilliseconds: RegexTimeoutMilliseconds)]
    private static partial Regex NonInlinable();
}
