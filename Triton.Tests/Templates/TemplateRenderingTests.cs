using Microsoft.Extensions.Options;
using Triton.Core.Domain;
using Triton.Core.Templates;

namespace Triton.Tests.Templates;

public sealed class TemplateRenderingTests
{
    private readonly TemplateCompiler _compiler = new(new CssInliner(), Options.Create(new TemplateOptions()), TimeProvider.System);

    private string Render(string markup, Dictionary<string, object?> context, Dictionary<string, string>? partials = null) =>
        _compiler.Compile(markup, partials).Render(context);

    [Fact]
    public void Context_carries_email_user_id_lowercased_columns_variables_and_tracking()
    {
        var builder = new RenderContextBuilder(
            """{"shop":"Acme","count":3,"ratio":1.5,"vip":true,"order":[{"sku":"A1"},{"sku":"B2"}],"owner":{"name":"Zoe"}}""",
            7, "Newsletters");
        var context = builder.Build("ann@example.com", "u-1", """{"FirstName":"Ann","Age":41}""");
        var output = Render(
            "{{email}}|{{user_id}}|{{firstname}}|{{age}}|{{shop}}|{{count}}|{{ratio}}|{{#if vip}}vip{{/if}}|{{#each order}}{{sku}},{{/each}}|{{owner.name}}|{{tracking_category_id}}|{{tracking_category_name}}",
            context);
        Assert.Equal("ann@example.com|u-1|Ann|41|Acme|3|1.5|vip|A1,B2,|Zoe|7|Newsletters", output);
    }

    [Fact]
    public void List_fields_override_campaign_variables_and_overrides_override_campaign()
    {
        var builder = new RenderContextBuilder("""{"name":"campaign","shop":"Acme"}""").With(new Dictionary<string, object?> { ["shop"] = "Override" });
        var output = Render("{{name}} {{shop}}", builder.Build("a@b.c", null, """{"name":"field"}"""));
        Assert.Equal("field Override", output);
    }

    [Fact]
    public void Values_are_html_escaped_unless_triple_stashed()
    {
        var context = new Dictionary<string, object?> { ["x"] = "<b>&</b>" };
        Assert.Equal("&lt;b&gt;&amp;&lt;/b&gt;|<b>&</b>", Render("{{x}}|{{{x}}}", context));
    }

    [Fact]
    public void Partials_and_layouts_with_partial_blocks_compose()
    {
        var partials = new Dictionary<string, string>
        {
            ["footer"] = "<footer>Bye {{email}}</footer>",
            ["layout"] = "<main>{{> @partial-block}}</main>{{> footer}}",
        };
        var output = Render("{{#> layout}}<p>Hi</p>{{/layout}}", new() { ["email"] = "a@b.c" }, partials);
        Assert.Equal("<main><p>Hi</p></main><footer>Bye a@b.c</footer>", output);
    }

    [Fact]
    public void Helpers_format_dates_numbers_defaults_case_and_urls()
    {
        var context = new Dictionary<string, object?> { ["when"] = "2026-03-04T05:06:07Z", ["n"] = 1234567.891, ["empty"] = "", ["q"] = "a b&c" };
        var output = Render("""{{formatDate when "dd/MM/yyyy"}}|{{formatNumber n "N2"}}|{{default empty "none"}}|{{default q "x"}}|{{upper "ab"}}|{{lower "AB"}}|{{urlEncode q}}""", context);
        Assert.Equal("04/03/2026|1,234,567.89|none|a b&amp;c|AB|ab|a%20b%26c", output);
    }

    [Fact]
    public void A_helper_given_bad_input_fails_the_render_with_a_reason()
    {
        var template = _compiler.Compile("""{{formatDate when "yyyy"}}""");
        var error = Assert.Throws<TemplateRenderException>(() => template.Render(new Dictionary<string, object?> { ["when"] = "not a date" }));
        Assert.Contains("not a date", error.Message);
    }

    [Theory]
    [InlineData("""{{formatNumber n "F1000000"}}""", "precision")]
    [InlineData("""{{formatNumber n "N100000"}}""", "precision")]
    [InlineData("""{{formatNumber n "{0,999999999}"}}""", "brace")]
    [InlineData("""{{formatDate when "{0,-99999}"}}""", "brace")]
    [InlineData("""{{formatNumber n "0000000000000000000000000000000000000000000000000000000000000000000000000000"}}""", "64 characters")]
    [InlineData("""{{formatDate when "yyyy-MM-dd yyyy-MM-dd yyyy-MM-dd yyyy-MM-dd yyyy-MM-dd yyyy-MM-dd yyyy-MM-dd"}}""", "64 characters")]
    public void A_format_that_could_make_a_huge_string_is_refused_with_a_reason(string markup, string reason)
    {
        var template = _compiler.Compile(markup);
        var error = Assert.Throws<TemplateRenderException>(() => template.Render(new Dictionary<string, object?> { ["n"] = 12.5, ["when"] = "2026-03-04T05:06:07Z" }));
        Assert.Contains(reason, error.Message);
        Assert.StartsWith(markup.Contains("formatDate") ? "formatDate" : "formatNumber", error.Message);
    }

    [Fact]
    public void Long_but_reasonable_formats_still_work()
    {
        var context = new Dictionary<string, object?> { ["n"] = 1234.5678m, ["when"] = "2026-03-04T05:06:07Z" };
        Assert.Equal("Wednesday, 4 March 2026 at 05:06|1,234.5678" + new string('0', 26) + "|001234.57",
            Render("""{{formatDate when "dddd, d MMMM yyyy 'at' HH:mm"}}|{{formatNumber n "N30"}}|{{formatNumber n "000000.00"}}""", context));
    }

    [Fact]
    public void A_missing_partial_fails_the_render_with_a_reason()
    {
        var template = _compiler.Compile("{{> nowhere}}");
        Assert.Throws<TemplateRenderException>(() => template.Render(new Dictionary<string, object?>()));
    }

    [Fact]
    public void Broken_markup_reports_line_and_column()
    {
        var error = Assert.Throws<TemplateCompileException>(() => _compiler.Compile("<p>ok</p>\n<p>{{#each items}}{{name}}</p>\n{{/if}}"));
        Assert.Equal((3, 1), (error.Line, error.Column));
        Assert.NotNull(_compiler.Check("line one\n  {{#if x}}"));
        Assert.Null(_compiler.Check("{{#if x}}y{{/if}}"));
    }

    [Fact]
    public void Markup_with_more_expressions_than_compiling_can_afford_is_refused_at_the_first_one_too_many()
    {
        // Handlebars.Net's compile time grows faster than the number of expressions: 20,000 took seconds.
        var markup = "<p>first line</p>\n" + string.Concat(Enumerable.Repeat("<b>{{a}}</b>", 20_000));
        var error = _compiler.Check(markup);
        Assert.NotNull(error);
        Assert.Contains("at most 5,000 Handlebars expressions", error.Message);
        Assert.Equal((2, 5_000 * 12 + 4), (error.Line, error.Column));
        Assert.Throws<TemplateCompileException>(() => _compiler.Compile(markup));
        Assert.Null(_compiler.Check(string.Concat(Enumerable.Repeat("<b>{{a}}</b>", 5_000))));
    }

    [Fact]
    public void Partial_names_and_cycles_are_found()
    {
        Assert.Equal(["footer", "layout"], TemplateCompiler.PartialNames("{{> footer}} {{#> layout}}x{{> @partial-block}}{{/layout}}").Order());
        var bodies = new Dictionary<string, string> { ["a"] = "{{> b}}", ["b"] = "{{> c}}", ["c"] = "{{> a}}", ["d"] = "{{> c}}" };
        Assert.Equal(["a", "b", "c", "a"], PartialGraph.FindCycle("a", bodies));
        Assert.Null(PartialGraph.FindCycle("x", new Dictionary<string, string> { ["x"] = "{{> y}}{{> y}}", ["y"] = "plain" }));
    }

    [Fact]
    public void Sequential_subjects_go_round_per_recipient_and_static_stays_first()
    {
        var sequential = new SubjectPicker(SubjectMode.Sequential, 3);
        int? previous = null;
        var picks = new List<int>();
        for (var i = 0; i < 5; i++) picks.Add((previous = sequential.Pick(previous)).Value);
        Assert.Equal([0, 1, 2, 0, 1], picks);
        Assert.Equal(0, new SubjectPicker(SubjectMode.Static, 3).Pick(2));
        var random = new SubjectPicker(SubjectMode.Random, 3, new Random(42));
        var seen = Enumerable.Range(0, 200).Select(_ => random.Pick(null)).ToHashSet();
        Assert.Equal([0, 1, 2], seen.Order());
    }
}
