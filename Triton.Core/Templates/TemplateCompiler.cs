using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using HandlebarsDotNet;
using Microsoft.Extensions.Options;

namespace Triton.Core.Templates;

/// <summary>A template compiled once, rendered for many recipients; safe to share between workers.</summary>
public sealed class CompiledTemplate(HandlebarsTemplate<TextWriter, object, object> render, TemplateOptions limits, TimeProvider time, IFormatProvider formatProvider)
{
    /// <summary>Larger output writers go to the garbage collector rather than stay for the next message.</summary>
    private const int MaxKeptCapacity = 1024 * 1024;

    /// <summary>Output writers kept between renders, as Handlebars.Net keeps its own: no allocation per message.</summary>
    private readonly ConcurrentBag<BudgetedWriter> _writers = [];

    /// <summary>
    /// Renders for one recipient within the limits of <see cref="TemplateOptions"/> (time, output
    /// characters, memory); a failure throws <see cref="TemplateRenderException"/> with the reason.
    /// </summary>
    /// <param name="context">The values; a <see cref="RenderContext"/> is used as it is, other dictionaries are copied into one.</param>
    public string Render(IEnumerable<KeyValuePair<string, object?>> context)
    {
        var model = context as RenderContext ?? new RenderContext(context);
        var budget = new RenderBudget(limits, time);
        var writer = _writers.TryTake(out var kept) ? kept : new BudgetedWriter(formatProvider);
        writer.Start(budget);
        model.Budget = budget;
        try
        {
            render(writer, model);
            return writer.Finish();
        }
        catch (TemplateRenderException)
        {
            throw;
        }
        catch (Exception exception) when (Limit(exception) is { } limit)
        {
            // A limit reached inside a partial arrives wrapped by Handlebars.Net; the author needs the limit.
            throw new TemplateRenderException(limit.Message, exception);
        }
        catch (Exception exception) when (exception is HandlebarsException or FormatException or InvalidCastException)
        {
            throw new TemplateRenderException(exception.Message, exception);
        }
        finally
        {
            model.Budget = null;
            if (writer.Capacity <= MaxKeptCapacity)
            {
                writer.Finish();
                _writers.Add(writer);
            }
        }
    }

    private static TemplateRenderException? Limit(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is TemplateRenderException limit) return limit;
        return null;
    }
}

/// <summary>Compiles Handlebars markup with its partials, the built-in helpers and, when asked, inlined CSS.</summary>
public sealed partial class TemplateCompiler(CssInliner inliner, IOptions<TemplateOptions> options, TimeProvider time)
{
    private readonly TemplateOptions _options = options.Value;
    private readonly RenderCheckpoints _checkpoints = new();

    /// <summary>
    /// Compiles <paramref name="markup"/>. Partials are other templates by name; they are compiled in
    /// the same fresh environment, so helpers and partials of different templates never mix.
    /// </summary>
    /// <param name="escapeHtml">False for a plain-text part: values are written as they are, not as HTML entities.</param>
    public CompiledTemplate Compile(string markup, IReadOnlyDictionary<string, string>? partials = null, bool inlineCss = false, bool escapeHtml = true)
    {
        partials ??= new Dictionary<string, string>();
        if (TemplateLimits.Check(markup) is { } tooLarge) throw tooLarge;
        foreach (var (name, body) in partials)
            if (TemplateLimits.Check(body) is { } partialTooLarge)
                throw new TemplateCompileException($"in partial '{name}': {partialTooLarge.Message}", 1, 1);
        if (inlineCss) (markup, partials) = InlineCss(markup, partials);

        var configuration = new HandlebarsConfiguration { ThrowOnUnresolvedBindingExpression = false, NoEscape = !escapeHtml };
        // Every compiled block checks the render's budget as it starts: see RenderCheckpoints.
        configuration.CompileTimeConfiguration.ExpressionMiddleware.Add(_checkpoints);
        var handlebars = Handlebars.Create(configuration);
        TemplateHelpers.Register(handlebars);
        foreach (var (name, body) in partials)
            handlebars.RegisterTemplate(name, Guard(name, body, () => handlebars.Compile(new StringReader(body))));
        return new CompiledTemplate(Guard(null, markup, () => handlebars.Compile(new StringReader(markup))),
            _options, time, configuration.FormatProvider);
    }

    /// <summary>
    /// Inlines once per compile, before Handlebars sees the markup: per message would be far too slow.
    /// The template and its partials share one time limit; past it, or when a scan of the markup
    /// times out, the compile fails with a template error instead of holding a request or a run.
    /// </summary>
    private (string Markup, IReadOnlyDictionary<string, string> Partials) InlineCss(string markup, IReadOnlyDictionary<string, string> partials)
    {
        using var deadline = new CancellationTokenSource(_options.InlineCssTimeout);
        try
        {
            var sheet = inliner.CollectStyles([markup, .. partials.Values]);
            if (sheet.Length == 0) return (markup, partials);
            return (inliner.Inline(markup, sheet, keepMediaRules: true, deadline.Token),
                partials.ToDictionary(p => p.Key, p => inliner.Inline(p.Value, sheet, keepMediaRules: false, deadline.Token)));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TemplateCompileException(
                $"Inlining the CSS took longer than {_options.InlineCssTimeout.TotalSeconds:0.#} s: the style rules or the markup are too large or complex. Simplify them or turn off CSS inlining.", 1, 1);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new TemplateCompileException(
                "The markup is too complex to find its style sheets and Handlebars expressions in time for inlining the CSS. Simplify it or turn off CSS inlining.", 1, 1);
        }
    }

    /// <summary>Checks that markup compiles on its own (partials are checked by name elsewhere).</summary>
    public TemplateCompileException? Check(string markup)
    {
        if (TemplateLimits.Check(markup) is { } tooLarge) return tooLarge;
        try
        {
            var handlebars = Handlebars.Create();
            TemplateHelpers.Register(handlebars);
            handlebars.Compile(markup);
            return null;
        }
        catch (TemplateCompileException exception) { return exception; }
        catch (Exception exception) when (exception is HandlebarsException)
        {
            return ToCompileException(null, markup, exception);
        }
    }

    /// <summary>Names of the partials the markup references, without the partial-block marker.</summary>
    public static IReadOnlySet<string> PartialNames(string markup)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in PartialReference().Matches(markup))
        {
            var name = match.Groups["name"].Value.Trim('"', '\'');
            if (!name.StartsWith('@')) names.Add(name);
        }
        return names;
    }

    private static T Guard<T>(string? partial, string markup, Func<T> compile)
    {
        try
        {
            return compile();
        }
        catch (Exception exception) when (exception is HandlebarsException)
        {
            throw ToCompileException(partial, markup, exception);
        }
    }

    private static TemplateCompileException ToCompileException(string? partial, string markup, Exception exception)
    {
        var (line, column) = Position(exception, markup);
        var where = partial is null ? "" : $"in partial '{partial}': ";
        var message = LocationSuffix().Replace(exception.Message, "").Trim();
        return new TemplateCompileException(where + message, line, column, exception);
    }

    /// <summary>Handlebars.Net carries the position on a reader context; older paths only in the message.</summary>
    private static (int Line, int Column) Position(Exception exception, string markup)
    {
        var context = exception.GetType().GetProperty("Context")?.GetValue(exception);
        if (context is not null)
        {
            var line = context.GetType().GetProperty("LineNumber")?.GetValue(context) as int?;
            var column = context.GetType().GetProperty("CharNumber")?.GetValue(context) as int?;
            if (line is not null && column is not null) return (line.Value, column.Value);
        }
        var match = LocationSuffix().Match(exception.Message);
        if (match.Success) return (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
        return Locate(exception.Message, markup);
    }

    /// <summary>Finds the expression the message quotes ('/if', 'each') in the markup.</summary>
    private static (int Line, int Column) Locate(string message, string markup)
    {
        foreach (Match quoted in QuotedToken().Matches(message))
        {
            var token = quoted.Groups[1].Value.TrimStart('#', '/');
            var closing = quoted.Groups[1].Value.StartsWith('/');
            var at = closing ? markup.IndexOf("{{/" + token, StringComparison.Ordinal) : -1;
            if (at < 0) at = markup.IndexOf("{{#" + token, StringComparison.Ordinal);
            if (at < 0) at = markup.IndexOf("{{" + token, StringComparison.Ordinal);
            if (at < 0) continue;
            var line = 1 + markup.AsSpan(0, at).Count('\n');
            var column = at - (markup.LastIndexOf('\n', Math.Max(at - 1, 0)) is var newline && newline >= 0 && newline < at ? newline + 1 : 0) + 1;
            return (line, column);
        }
        return (1, 1);
    }

    [GeneratedRegex(@"'([^'\s]+)'")]
    private static partial Regex QuotedToken();

    [GeneratedRegex(@"\{\{~?#?>\s*(?<name>""[^""]+""|'[^']+'|[^\s}~]+)")]
    private static partial Regex PartialReference();

    [GeneratedRegex(@"\s*Occured at:\s*(\d+):(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex LocationSuffix();
}

/// <summary>Markup that does not compile; line and column are 1-based where known.</summary>
public sealed class TemplateCompileException(string message, int line, int column, Exception? inner = null)
    : Exception(message, inner)
{
    public int Line { get; } = line;
    public int Column { get; } = column;
}

/// <summary>A render that failed for one recipient; the engine marks that delivery Failed with this reason.</summary>
public sealed class TemplateRenderException(string message, Exception? inner = null) : Exception(message, inner);
