using Microsoft.Extensions.Options;
using Triton.Core.Templates;

namespace Triton.Tests.Templates;

public sealed class CssInlinerTests
{
    private readonly CssInliner _inliner = new();

    private string Inline(string markup) => _inliner.Inline(markup, _inliner.CollectStyles([markup]), keepMediaRules: true);

    [Fact]
    public void Rules_apply_by_specificity_then_order()
    {
        var html = Inline("<style>p { color: red } .x { color: blue } p { color: green; font-weight: bold }</style><p class=\"x\">a</p><p>b</p>");
        Assert.Equal("<p class=\"x\" style=\"color: rgba(0, 0, 255, 1); font-weight: bold\">a</p><p style=\"color: rgba(0, 128, 0, 1); font-weight: bold\">b</p>", html);
    }

    [Fact]
    public void Important_beats_specificity_and_existing_style_attributes()
    {
        var html = Inline("<style>#id { color: blue } p { color: red !important } p { margin-top: 1px }</style><p id=\"id\" style=\"margin-top: 2px\">a</p>");
        Assert.Equal("<p id=\"id\" style=\"color: rgba(255, 0, 0, 1) !important; margin-top: 2px\">a</p>", html);
    }

    [Fact]
    public void Media_and_pseudo_rules_stay_in_a_style_block()
    {
        var html = Inline("<style>p { color: red } @media (max-width: 600px) { p { color: blue } } a:hover { color: green }</style><p>a</p>");
        Assert.Contains("@media (max-width: 600px)", html);
        Assert.Contains("a:hover", html);
        Assert.Contains("<p style=\"color: rgba(255, 0, 0, 1)\">a</p>", html);
        Assert.StartsWith("<style>", html);
    }

    [Fact]
    public void Handlebars_expressions_survive_in_text_attributes_and_tables()
    {
        var markup = "<style>td { color: red }</style><table>{{#each rows}}<tr><td class=\"{{kind}}\">{{name}}</td></tr>{{/each}}</table><a href=\"{{url}}\">{{{raw}}}</a>";
        var html = Inline(markup);
        // The parser implies a tbody around the first row; the output stays well-formed for browsers.
        Assert.Equal("<table>{{#each rows}}<tbody><tr><td class=\"{{kind}}\" style=\"color: rgba(255, 0, 0, 1)\">{{name}}</td></tr>{{/each}}</tbody></table><a href=\"{{url}}\">{{{raw}}}</a>", html);
        var compiler = new TemplateCompiler(_inliner, Options.Create(new TemplateOptions()), TimeProvider.System);
        var rendered = compiler.Compile(markup, inlineCss: true).Render(new Dictionary<string, object?>
        {
            ["rows"] = new List<object?> { new Dictionary<string, object?> { ["kind"] = "k", ["name"] = "N" } },
            ["url"] = "http://x", ["raw"] = "<i>r</i>",
        });
        Assert.Equal("<table><tbody><tr><td class=\"k\" style=\"color: rgba(255, 0, 0, 1)\">N</td></tr></tbody></table><a href=\"http://x\"><i>r</i></a>", rendered);
    }

    [Fact]
    public void A_layout_style_reaches_content_in_partial_blocks()
    {
        var compiler = new TemplateCompiler(_inliner, Options.Create(new TemplateOptions()), TimeProvider.System);
        var partials = new Dictionary<string, string> { ["layout"] = "<style>.hi { color: red }</style><div>{{> @partial-block}}</div>" };
        var rendered = compiler.Compile("{{#> layout}}<p class=\"hi\">x</p>{{/layout}}", partials, inlineCss: true).Render(new Dictionary<string, object?>());
        Assert.Equal("<div><p class=\"hi\" style=\"color: rgba(255, 0, 0, 1)\">x</p></div>", rendered);
    }
}
