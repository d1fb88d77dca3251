using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Mail.Mime;

namespace Triton.Core.Templates;

/// <summary>The outcome of checking markup about to be saved: the compiled template, or why it does not compile.</summary>
public sealed record TemplateCheckResult(CompiledTemplate? Compiled, TemplateCompileException? Error);

/// <summary>
/// The outcome of rendering markup with sample values: the HTML and the plain-text part, or the error
/// (with its position when known; <see cref="InText"/> when the text template failed).
/// </summary>
public sealed record TemplatePreviewResult(string? Html, string? Text, string? Error, int? Line, int? Column, bool InText = false);

/// <summary>
/// Checks a template before it is saved (the API and the admin form both ask here): the markup
/// compiles, every partial it reaches exists, and no partial includes itself. Also renders unsaved
/// markup with sample values for the editor's preview.
/// </summary>
public sealed class TemplateChecker(TemplateCompiler compiler)
{
    /// <summary>The text template's place in the partial graph: a name no template can have.</summary>
    private const string TextRoot = "\u0000text";

    /// <summary>Sample recipient values of a preview; names follow the campaign rendering context.</summary>
    public static IReadOnlyDictionary<string, object?> SampleValues { get; } = new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["email"] = "recipient@example.com",
        ["user_id"] = "user-1",
        ["tracking_category_id"] = 1,
        ["tracking_category_name"] = "Preview",
    };

    /// <param name="name">The template's name once saved (a partial may not reach back to it).</param>
    public Task<TemplateCheckResult> CheckAsync(TritonDbContext db, string name, string body, bool inlineCss, CancellationToken cancellationToken) =>
        CheckMarkupAsync(db, name, new(StringComparer.Ordinal) { [name] = body },
            (markup, partials) => compiler.Compile(markup, partials, inlineCss), cancellationToken);

    /// <summary>Checks the plain-text template of <paramref name="name"/>; its partials are other templates, this one's HTML body included.</summary>
    public Task<TemplateCheckResult> CheckTextAsync(TritonDbContext db, string name, string body, string textBody, CancellationToken cancellationToken) =>
        CheckMarkupAsync(db, TextRoot, new(StringComparer.Ordinal) { [TextRoot] = textBody, [name] = body },
            (markup, partials) => compiler.Compile(markup, partials, inlineCss: false, escapeHtml: false), cancellationToken);

    /// <summary>Renders markup that may not be saved yet with <paramref name="values"/>, or <see cref="SampleValues"/> when none are given.</summary>
    public async Task<TemplatePreviewResult> PreviewAsync(
        TritonDbContext db, string name, string body, bool inlineCss, string? textBody,
        IReadOnlyDictionary<string, object?>? values, CancellationToken cancellationToken)
    {
        var sample = new Dictionary<string, object?>(values ?? SampleValues, StringComparer.Ordinal);
        var html = await CheckAsync(db, name, body, inlineCss, cancellationToken);
        if (html.Error is { } error) return new(null, null, error.Message, error.Line, error.Column);
        var text = string.IsNullOrWhiteSpace(textBody) ? null : await CheckTextAsync(db, name, body, textBody, cancellationToken);
        if (text?.Error is { } textError) return new(null, null, textError.Message, textError.Line, textError.Column, InText: true);
        string renderedHtml;
        try
        {
            renderedHtml = html.Compiled!.Render(new Dictionary<string, object?>(sample, StringComparer.Ordinal));
        }
        catch (TemplateRenderException exception) { return new(null, null, exception.Message, null, null); }
        try
        {
            return new(renderedHtml, text is null ? HtmlToText.Convert(renderedHtml) : text.Compiled!.Render(new Dictionary<string, object?>(sample, StringComparer.Ordinal)), null, null, null);
        }
        catch (TemplateRenderException exception) { return new(null, null, exception.Message, null, null, InText: true); }
    }

    /// <summary>Names of the other templates that include <paramref name="name"/> as a partial (a rename or delete would break them).</summary>
    public static async Task<List<string>> IncludedByAsync(TritonDbContext db, string name, int id, CancellationToken cancellationToken)
    {
        var candidates = await db.Templates.AsNoTracking().Where(t => t.Id != id && t.Body.Contains(name))
            .Select(t => new { t.Name, t.Body }).ToListAsync(cancellationToken);
        return candidates.Where(t => TemplateCompiler.PartialNames(t.Body).Contains(name)).Select(t => t.Name).ToList();
    }

    /// <param name="bodies">The root's markup under its own name first, then any unsaved bodies that take precedence over stored ones.</param>
    private async Task<TemplateCheckResult> CheckMarkupAsync(
        TritonDbContext db, string root, Dictionary<string, string> bodies,
        Func<string, Dictionary<string, string>, CompiledTemplate> compile, CancellationToken cancellationToken)
    {
        var markup = bodies[root];
        if (compiler.Check(markup) is { } error) return new(null, error);
        var pending = new Queue<string>(TemplateCompiler.PartialNames(markup));
        foreach (var (name, body) in bodies.Where(b => b.Key != root))
            foreach (var next in TemplateCompiler.PartialNames(body)) pending.Enqueue(next);
        while (pending.TryDequeue(out var partial))
        {
            if (bodies.ContainsKey(partial)) continue;
            var partialBody = await db.Templates.AsNoTracking().Where(t => t.Name == partial).Select(t => t.Body).FirstOrDefaultAsync(cancellationToken);
            if (partialBody is null)
                return new(null, new TemplateCompileException($"The partial '{partial}' does not exist.", 1, 1));
            bodies[partial] = partialBody;
            foreach (var next in TemplateCompiler.PartialNames(partialBody)) pending.Enqueue(next);
        }
        if (PartialGraph.FindCycle(root, bodies) is { } cycle)
            return new(null, new TemplateCompileException($"The partials include each other in a cycle: {string.Join(" > ", cycle.Select(Display))}.", 1, 1));
        try
        {
            return new(compile(markup, bodies.Where(b => b.Key != root).ToDictionary()), null);
        }
        catch (TemplateCompileException exception) { return new(null, exception); }
    }

    private static string Display(string name) => name == TextRoot ? "(text body)" : name;
}
