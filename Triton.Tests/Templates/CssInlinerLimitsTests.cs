using Microsoft.Extensions.Options;
using System.Diagnostics;
using Triton.Core.Templates;

namespace Triton.Tests.Templates;

/// <summary>
/// Pathological markup and stylesheets end a compile with inlining quickly: with a clear error, or
/// with the costly rules left in the style block instead of inlined. None may hang a save or a run.
/// </summary>
public sealed class CssInlinerLimitsTests
{
    private readonly TemplateCompiler _compiler = new(new CssInliner(), Options.Create(new TemplateOptions()), TimeProvider.System);

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>Compiles with inlining on a thread of its own and says how long it took.</summary>
    private async Task<(Exception? Error, TimeSpan Took)> CompileAsync(string markup, Dictionary<string, string>? partials = null)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await Task.Run(() => _compiler.Compile(markup, partials, inlineCss: true));
            return (null, watch.Elapsed);
        }
        catch (Exception exception)
        {
            return (exception, watch.Elapsed);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Markup_the_regexes_would_scan_for_seconds_ends_with_a_clear_error()
    {
        // 74,000 style elements opened and none closed: each one makes the style scan read to the end.
        var markup = "<p>hi</p>" + string.Concat(Enumerable.Repeat("<style>", 74_000));
        var (error, took) = await CompileAsync(markup);
        var refused = Assert.IsType<TemplateCompileException>(error);
        Assert.Contains("CSS", refused.Message);
        Assert.True(took < TimeSpan.FromSeconds(4), $"took {took}");
    }

    [Fact(Timeout = 120_000)]
    public async Task Many_rules_over_many_elements_stop_at_the_time_limit_with_a_clear_error()
    {
        // Within the size limits: a layout of 15,000 rules, a body of 12,000 elements.
        var rules = string.Concat(Enumerable.Range(0, 15_000).Select(i => $"p .d{i} {{ color: red }}\n"));
        var elements = string.Concat(Enumerable.Range(0, 12_000).Select(i => $"<p><b class=\"d{i}\">{i}</b></p>"));
        var (error, took) = await CompileAsync("{{> layout}}" + elements, new() { ["layout"] = $"<style>{rules}</style>" });
        var refused = Assert.IsType<TemplateCompileException>(error);
        Assert.Contains("CSS", refused.Message);
        Assert.True(took < Bound, $"took {took}");
    }

    [Fact(Timeout = 120_000)]
    public async Task Selectors_that_search_far_up_the_tree_stay_in_the_style_block()
    {
        var nested = string.Concat(Enumerable.Repeat("<div>", 90)) + "<p class=\"x\">deep</p>" + string.Concat(Enumerable.Repeat("</div>", 90));
        var markup = "<style>span div div div div div div p { color: red } div ~ p { color: blue } .x { font-weight: bold }</style>" + nested;
        var (error, took) = await CompileAsync(markup);
        Assert.Null(error);
        Assert.True(took < Bound, $"took {took}");
        var html = _compiler.Compile(markup, inlineCss: true).Render(new Dictionary<string, object?>());
        Assert.Contains("<p class=\"x\" style=\"font-weight: bold\">deep</p>", html);
        Assert.Contains("span div div div div div div p", html);
        Assert.Contains("div~p { color", html);
    }

    [Fact(Timeout = 120_000)]
    public async Task Markup_nested_deeper_than_inlining_allows_is_refused_with_a_clear_error()
    {
        var markup = "<style>p { color: red }</style>" + string.Concat(Enumerable.Repeat("<div>", 150)) + "<p>x</p>";
        var (error, took) = await CompileAsync(markup);
        var refused = Assert.IsType<TemplateCompileException>(error);
        Assert.Contains("deep", refused.Message);
        Assert.True(took < Bound, $"took {took}");
    }
}
