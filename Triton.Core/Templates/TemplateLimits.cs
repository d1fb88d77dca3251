namespace Triton.Core.Templates;

/// <summary>
/// Fixed limits on what a template may be: they keep a save, a preview and a compile cheap whatever
/// an author pastes. (What one render may cost is configurable, in TemplateOptions.)
/// </summary>
public static class TemplateLimits
{
    /// <summary>The longest body or text body: 512 KB of characters, far above any real email.</summary>
    public const int MaxBodyLength = 512 * 1024;

    public static string BodyTooLong(int length) =>
        $"A template may be at most 512 KB ({MaxBodyLength:N0} characters); this one has {length:N0}.";

    /// <summary>
    /// The most Handlebars expressions ({{...}}) one template or partial may hold: Handlebars.Net's
    /// compile time grows faster than their number (5,000 take about a second here, 20,000 several).
    /// </summary>
    public const int MaxExpressions = 5_000;

    /// <summary>Markup over a limit as a compile error (at the first expression too many), or null; the API and the form refuse an oversized body earlier, by field.</summary>
    public static TemplateCompileException? Check(string markup)
    {
        if (markup.Length > MaxBodyLength) return new TemplateCompileException(BodyTooLong(markup.Length), 1, 1);
        var expressions = 0;
        for (var at = markup.IndexOf("{{", StringComparison.Ordinal); at >= 0; at = markup.IndexOf("{{", at + 2, StringComparison.Ordinal))
        {
            if (++expressions <= MaxExpressions) continue;
            var line = 1 + markup.AsSpan(0, at).Count('\n');
            var column = at - markup.LastIndexOf('\n', Math.Max(at - 1, 0));
            return new TemplateCompileException(
                $"A template may hold at most {MaxExpressions:N0} Handlebars expressions; this one has more. Move repeated markup into a loop or a partial.",
                line, column);
        }
        return null;
    }
}
