using System.Diagnostics;
using Microsoft.Extensions.Options;
using Triton.Core.Templates;

namespace Triton.Tests.Templates;

/// <summary>
/// A render that runs away (loops that write nothing, partials that double at every level, output
/// without end) stops with a template error within its time and size limits.
/// </summary>
public sealed class RenderLimitsTests
{
    private static readonly TemplateOptions Limits = new() { RenderTimeoutMilliseconds = 300, MaxRenderedCharacters = 100_000 };
    private readonly TemplateCompiler _compiler = new(new CssInliner(), Options.Create(Limits), TimeProvider.System);

    private static readonly List<object?> Items = [.. Enumerable.Range(0, 300).Cast<object?>()];

    /// <summary>Renders on a thread of its own; the error and how long the render ran.</summary>
    private static async Task<(TemplateRenderException Error, TimeSpan Took)> RunawayAsync(CompiledTemplate template, Dictionary<string, object?> context)
    {
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<TemplateRenderException>(() => Task.Run(() => template.Render(context)));
        return (error, watch.Elapsed);
    }

    [Fact(Timeout = 120_000)]
    public async Task Nested_loops_that_write_nothing_stop_at_the_time_limit()
    {
        var template = _compiler.Compile("{{#each items}}{{#each @root.items}}{{#each @root.items}}{{#each @root.items}}{{/each}}{{/each}}{{/each}}{{/each}}");
        var (error, took) = await RunawayAsync(template, new Dictionary<string, object?> { ["items"] = Items });
        Assert.Contains("took longer than 0.3 s", error.Message);
        Assert.True(took < TimeSpan.FromSeconds(3), $"took {took}");
    }

    [Fact(Timeout = 120_000)]
    public async Task Partials_that_double_at_every_level_stop_at_the_time_limit_with_the_limit_named()
    {
        // p0 includes p1 twice, p1 includes p2 twice, ... 2^30 includes of an empty partial.
        var partials = Enumerable.Range(0, 30).ToDictionary(i => $"p{i}", i => $"{{{{> p{i + 1}}}}}{{{{> p{i + 1}}}}}");
        partials["p30"] = "";
        var template = _compiler.Compile("<p>{{> p0}}</p>", partials);
        var (error, took) = await RunawayAsync(template, new Dictionary<string, object?>());
        Assert.StartsWith("Rendering took longer than 0.3 s", error.Message);
        Assert.True(took < TimeSpan.FromSeconds(3), $"took {took}");
    }

    [Fact(Timeout = 120_000)]
    public async Task Output_past_the_character_limit_stops_the_render()
    {
        var template = _compiler.Compile("{{#each items}}{{#each @root.items}}<p>{{this}}</p>{{/each}}{{/each}}");
        var (error, took) = await RunawayAsync(template, new Dictionary<string, object?> { ["items"] = Items });
        Assert.Contains("longer than 100,000 characters", error.Message);
        Assert.True(took < TimeSpan.FromSeconds(3), $"took {took}");
    }

    [Fact(Timeout = 120_000)]
    public async Task An_indented_partial_writing_without_end_stops_too()
    {
        // Handlebars.Net renders an indented standalone partial into a buffer of its own before indenting
        // it: the memory budget stops it there, before the output ever reaches the character limit.
        var partials = new Dictionary<string, string> { ["big"] = "{{#each items}}{{#each @root.items}}{{#each @root.items}}{{@root.text}}{{/each}}{{/each}}{{/each}}" };
        var template = _compiler.Compile("<div>\n  {{> big}}\n</div>", partials);
        var (error, took) = await RunawayAsync(template, new Dictionary<string, object?> { ["items"] = Items, ["text"] = new string('x', 1000) });
        Assert.Matches("^Rendering (used more than 3 MB of memory|took longer than 0.3 s)", error.Message);
        Assert.True(took < TimeSpan.FromSeconds(3), $"took {took}");
    }

    [Fact]
    public void Renders_within_the_limits_are_unchanged_and_a_template_renders_again_after_a_failure()
    {
        var partials = new Dictionary<string, string> { ["row"] = "<li>{{this}}</li>", ["layout"] = "<ul>{{> @partial-block}}</ul>" };
        var template = _compiler.Compile("{{#> layout}}{{#each items}}{{> row}}{{/each}}{{/layout}}{{#if many}}{{#each @root.items}}{{#each @root.items}}{{#each @root.items}}{{/each}}{{/each}}{{/each}}{{/if}}", partials);
        var few = new Dictionary<string, object?> { ["items"] = new List<object?> { 1, 2 } };
        Assert.Equal("<ul><li>1</li><li>2</li></ul>", template.Render(few));
        Assert.Throws<TemplateRenderException>(() => template.Render(new Dictionary<string, object?> { ["items"] = Items, ["many"] = true }));
        Assert.Equal("<ul><li>1</li><li>2</li></ul>", template.Render(few));
    }
}
