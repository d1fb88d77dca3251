namespace Triton.Core.Templates;

/// <summary>
/// The values one message is rendered with, a dictionary as Handlebars.Net reads it, and while it
/// renders, that render's <see cref="RenderBudget"/>: a compiled template reaches it through @root at
/// every checkpoint, which costs an array read instead of a lookup. Templates see only the values,
/// never the budget. Rendered by one thread at a time (a message's subject, HTML and text in turn).
/// </summary>
public sealed class RenderContext : Dictionary<string, object?>
{
    public RenderContext(int capacity) : base(capacity, StringComparer.Ordinal) { }

    public RenderContext(IEnumerable<KeyValuePair<string, object?>> values) : base(values, StringComparer.Ordinal) { }

    /// <summary>What <c>{{unsubscribeUrl}}</c> writes: the recipient's signed link, null in previews.</summary>
    internal string? UnsubscribeUrl { get; set; }

    /// <summary>The budget of the render under way, or null between renders.</summary>
    internal RenderBudget? Budget { get; set; }

    /// <summary>The open pixel's URL of this message, when it is tracked; {{trackingPixelUrl}} writes it.</summary>
    internal string? TrackingPixelUrl { get; set; }

    /// <summary>The template wrote {{trackingPixelUrl}} itself, so the composer adds no pixel.</summary>
    internal bool TrackingPixelPlaced { get; set; }
}
