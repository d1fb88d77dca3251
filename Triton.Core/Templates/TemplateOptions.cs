namespace Triton.Core.Templates;

/// <summary>
/// The "Templates" section of appsettings.json: what compiling and rendering one template may cost.
/// Handlebars.Net and the CSS inliner cannot be interrupted from outside, so Triton checks these
/// where their work passes through its own code (see <see cref="CompiledTemplate"/> and <see cref="CssInliner"/>).
/// </summary>
public sealed class TemplateOptions
{
    public const string Section = "Templates";

    /// <summary>How long rendering one part of a message (subject, HTML or text) or a preview may take.</summary>
    public int RenderTimeoutMilliseconds { get; set; } = 2000;

    /// <summary>The most characters one rendered part may have; a render that writes more fails.</summary>
    public int MaxRenderedCharacters { get; set; } = 4_000_000;

    /// <summary>How long inlining a template's CSS may take when it is compiled (on save, on preview, when a run starts).</summary>
    public int InlineCssTimeoutMilliseconds { get; set; } = 5000;

    public TimeSpan RenderTimeout => TimeSpan.FromMilliseconds(RenderTimeoutMilliseconds);
    public TimeSpan InlineCssTimeout => TimeSpan.FromMilliseconds(InlineCssTimeoutMilliseconds);

    public bool IsValid => RenderTimeoutMilliseconds > 0 && MaxRenderedCharacters > 0 && InlineCssTimeoutMilliseconds > 0;
}
