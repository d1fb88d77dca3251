using Triton.Core.Domain;
using Triton.Web.Api;

namespace Triton.Web.Components.Templates;

/// <summary>The template form as HTML posts it; it converts to the API's TemplateInput, so the same validator checks both.</summary>
public sealed class TemplateFormModel
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Group { get; set; }
    public string? Body { get; set; }

    /// <summary>The plain-text part; blank derives it from the HTML.</summary>
    public string? TextBody { get; set; }
    public bool InlineCss { get; set; } = true;

    public static TemplateFormModel From(Template t, string? groupName) => new()
    {
        Name = t.Name, Description = t.Description, Group = groupName, Body = t.Body, TextBody = t.TextBody, InlineCss = t.InlineCss,
    };

    public TemplateInput ToInput() => new(
        (Name ?? "").Trim(), (Body ?? "").ReplaceLineEndings("\n"),
        string.IsNullOrWhiteSpace(Description) ? null : Description,
        string.IsNullOrWhiteSpace(Group) ? null : Group, InlineCss,
        string.IsNullOrWhiteSpace(TextBody) ? null : TextBody.ReplaceLineEndings("\n"));
}
