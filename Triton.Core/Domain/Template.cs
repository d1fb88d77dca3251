namespace Triton.Core.Domain;

public sealed class Template
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Body { get; set; }

    /// <summary>The plain-text part's own template (not HTML-escaped); null derives the text from the rendered HTML.</summary>
    public string? TextBody { get; set; }
    public string? Description { get; set; }
    public int? GroupId { get; set; }
    public Group? Group { get; set; }

    /// <summary>Moves on every save, so compiled templates are cached by (Id, Version).</summary>
    public int Version { get; set; } = 1;

    /// <summary>Inline &lt;style&gt; rules into style attributes when rendering email HTML.</summary>
    public bool InlineCss { get; set; } = true;

    public DateTimeOffset UpdatedAt { get; set; }
}
