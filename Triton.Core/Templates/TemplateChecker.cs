using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;

namespace Triton.Core.Templates;

/// <summary>The outcome of checking markup about to be saved: the compiled template, or why it does not compile.</summary>
public sealed record TemplateCheckResult(CompiledTemplate? Compiled, TemplateCompileException? Error);

/// <summary>The outcome of rendering markup with sample values: the HTML, or the error (with its position when known).</summary>
public sealed record TemplatePreviewResult(string? Html, string? Error, int? Line, int? Column);

/// <summary>
/// Checks a template before it is saved (the API and the admin form both ask here): the markup
/// compiles, every partial it reaches exists, and no partial includes itself. Also renders unsaved
/// markup with sample values for the editor's preview.
/// </summary>
public sealed class TemplateChecker(TemplateCompiler compiler)
{
    /// <summary>Sample recipient values of a preview; names follow the campaign rendering context.</summary>
    public static IReadOnlyDictionary<string, object?> SampleValues { get; } = new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["email"] = "recipient@example.com",
        ["user_id"] = "user-1",
        ["tracking_category_id"] = 1,
        ["tracking_category_name"] = "Preview",
    };

    /// <param name="name">The template's name once saved (a partial may not reach back to it).</param>
    public async Task<TemplateCheckResult> CheckAsync(TritonDbContext db, string name, string body, bool inlineCss, CancellationToken cancellationToken)
    {
        if (compiler.Check(body) is { } error) return new(null, error);
        var bodies = new Dictionary<string, string>(StringComparer.Ordinal) { [name] = body };
        var pending = new Queue<string>(TemplateCompiler.PartialNames(body));
        while (pending.TryDequeue(out var partial))
        {
            if (bodies.ContainsKey(partial)) continue;
            var partialBody = await db.Templates.AsNoTracking().Where(t => t.Name == partial).Select(t => t.Body).FirstOrDefaultAsync(cancellationToken);
            if (partialBody is null)
                return new(null, new TemplateCompileException($"The partial '{partial}' does not exist.", 1, 1));
            bodies[partial] = partialBody;
            foreach (var next in TemplateCompiler.PartialNames(partialBody)) pending.Enqueue(next);
        }
        if (PartialGraph.FindCycle(name, bodies) is { } cycle)
            return new(null, new TemplateCompileException($"The partials include each other in a cycle: {string.Join(" > ", cycle)}.", 1, 1));
        try
        {
            return new(compiler.Compile(body, bodies.Where(b => b.Key != name).ToDictionary(), inlineCss), null);
        }
        catch (TemplateCompileException exception) { return new(null, exception); }
    }

    /// <summary>Renders markup that may not be saved yet with <see cref="SampleValues"/>.</summary>
    public async Task<TemplatePreviewResult> PreviewAsync(TritonDbContext db, string name, string body, bool inlineCss, CancellationToken cancellationToken)
    {
        var check = await CheckAsync(db, name, body, inlineCss, cancellationToken);
        if (check.Error is { } error) return new(null, error.Message, error.Line, error.Column);
        try
        {
            return new(check.Compiled!.Render(new Dictionary<string, object?>(SampleValues, StringComparer.Ordinal)), null, null, null);
        }
        catch (TemplateRenderException exception) { return new(null, exception.Message, null, null); }
    }

    /// <summary>Names of the other templates that include <paramref name="name"/> as a partial (a rename or delete would break them).</summary>
    public static async Task<List<string>> IncludedByAsync(TritonDbContext db, string name, int id, CancellationToken cancellationToken)
    {
        var candidates = await db.Templates.AsNoTracking().Where(t => t.Id != id && t.Body.Contains(name))
            .Select(t => new { t.Name, t.Body }).ToListAsync(cancellationToken);
        return candidates.Where(t => TemplateCompiler.PartialNames(t.Body).Contains(name)).Select(t => t.Name).ToList();
    }
}
