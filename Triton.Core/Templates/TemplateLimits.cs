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

    /// <summary>Markup over the size limit as a compile error, or null; the API and the form refuse it earlier by field.</summary>
    public static TemplateCompileException? Check(string markup) =>
        markup.Length > MaxBodyLength ? new TemplateCompileException(BodyTooLong(markup.Length), 1, 1) : null;
}
