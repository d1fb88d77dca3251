using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Templates;

/// <summary>
/// Compiled templates keyed by (template id, version) and the versions of every partial they reach,
/// so saving a partial recompiles the templates that use it and nothing else.
/// </summary>
public sealed class TemplateCache(TemplateCompiler compiler)
{
    private readonly ConcurrentDictionary<int, (string Key, CompiledTemplate Compiled)> _entries = new();
    private readonly ConcurrentDictionary<int, (string Key, CompiledTemplate Compiled)> _texts = new();

    public async Task<CompiledTemplate> GetAsync(TritonDbContext db, int templateId, CancellationToken cancellationToken)
    {
        var template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == templateId, cancellationToken)
            ?? throw new TemplateCompileException($"Template {templateId} does not exist.", 1, 1);
        var partials = await LoadPartialsAsync(db, template.Body, cancellationToken);
        var key = $"{template.Version}:{template.InlineCss}|" + string.Join('|', partials.Values
            .OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Id}:{p.Version}"));
        if (_entries.TryGetValue(templateId, out var entry) && entry.Key == key) return entry.Compiled;

        var compiled = compiler.Compile(template.Body, partials.ToDictionary(p => p.Key, p => p.Value.Body), template.InlineCss);
        _entries[templateId] = (key, compiled);
        return compiled;
    }

    /// <summary>The template's plain-text part, not HTML-escaped; null when it has none (the text is then derived from the HTML).</summary>
    public async Task<CompiledTemplate?> GetTextAsync(TritonDbContext db, int templateId, CancellationToken cancellationToken)
    {
        var template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == templateId, cancellationToken)
            ?? throw new TemplateCompileException($"Template {templateId} does not exist.", 1, 1);
        if (string.IsNullOrWhiteSpace(template.TextBody))
        {
            _texts.TryRemove(templateId, out _);
            return null;
        }
        var partials = await LoadPartialsAsync(db, template.TextBody, cancellationToken);
        var key = $"{template.Version}|" + string.Join('|', partials.Values
            .OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Id}:{p.Version}"));
        if (_texts.TryGetValue(templateId, out var entry) && entry.Key == key) return entry.Compiled;

        var compiled = compiler.Compile(template.TextBody, partials.ToDictionary(p => p.Key, p => p.Value.Body), inlineCss: false, escapeHtml: false);
        _texts[templateId] = (key, compiled);
        return compiled;
    }

    /// <summary>Every template reachable through partial references, by name; a missing one is an error.</summary>
    public static async Task<Dictionary<string, Template>> LoadPartialsAsync(
        TritonDbContext db, string body, CancellationToken cancellationToken, string? selfName = null)
    {
        var found = new Dictionary<string, Template>(StringComparer.Ordinal);
        var pending = new Queue<string>(TemplateCompiler.PartialNames(body));
        while (pending.Count > 0)
        {
            var batch = pending.Distinct().Where(n => !found.ContainsKey(n)).ToList();
            pending.Clear();
            if (batch.Count == 0) break;
            var templates = await db.Templates.AsNoTracking().Where(t => batch.Contains(t.Name)).ToListAsync(cancellationToken);
            foreach (var name in batch)
            {
                var partial = templates.FirstOrDefault(t => t.Name == name)
                    ?? throw new TemplateCompileException($"The partial '{name}' does not exist.", 1, 1);
                found[name] = partial;
                foreach (var next in TemplateCompiler.PartialNames(partial.Body)) pending.Enqueue(next);
            }
        }
        return found;
    }
}
