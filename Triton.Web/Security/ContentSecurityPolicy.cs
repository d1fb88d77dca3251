namespace Triton.Web.Security;

/// <summary>
/// The Content-Security-Policy sent with every response, as directives and their sources, so a part of
/// the host can extend it (add a source to a directive) instead of rewriting the header.
/// </summary>
/// <remarks>
/// The admin today: scripts and styles are files under wwwroot (ace, pico, shell.js), there is no
/// inline script (confirmations are MudBlazor dialogs over the circuit), and the template
/// preview is a sandboxed srcdoc frame, which inherits this policy: e-mail HTML carries inline styles and
/// remote https images, hence style-src 'unsafe-inline' and img-src https:. ace also inserts
/// its own &lt;style&gt; elements.
/// The interactive pages (Blazor Server with MudBlazor) need nothing more: _framework/blazor.web.js and
/// _content/MudBlazor/* are same-origin files (script-src 'self'), the circuit's WebSocket to /_blazor is
/// same-origin (connect-src 'self' covers ws/wss in current browsers), MudBlazor's style attributes fall
/// under style-src 'unsafe-inline', and neither needs 'unsafe-eval' or inline script (CspBrowserTests).
/// </remarks>
public sealed class ContentSecurityPolicy
{
    private readonly Dictionary<string, List<string>> directives = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Triton's admin policy.</summary>
    public static ContentSecurityPolicy ForAdmin() => new ContentSecurityPolicy()
        .Add("default-src", "'self'")
        .Add("script-src", "'self'")
        .Add("style-src", "'self'", "'unsafe-inline'")
        .Add("img-src", "'self'", "data:", "https:")
        .Add("font-src", "'self'", "data:")
        .Add("connect-src", "'self'")
        .Add("object-src", "'none'")
        .Add("base-uri", "'self'")
        .Add("form-action", "'self'")
        .Add("frame-ancestors", "'none'");

    /// <summary>Adds sources to a directive (creating it), keeping each source once.</summary>
    public ContentSecurityPolicy Add(string directive, params string[] sources)
    {
        if (!directives.TryGetValue(directive, out var list))
            directives[directive] = list = [];
        foreach (var source in sources)
            if (!list.Contains(source, StringComparer.Ordinal))
                list.Add(source);
        return this;
    }

    public IReadOnlyList<string> Sources(string directive) =>
        directives.TryGetValue(directive, out var list) ? list : [];

    public override string ToString() =>
        string.Join("; ", directives.Select(d => d.Value.Count == 0 ? d.Key : $"{d.Key} {string.Join(' ', d.Value)}"));
}
