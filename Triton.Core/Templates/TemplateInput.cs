using FluentValidation;

namespace Triton.Core.Templates;

/// <param name="TextBody">The plain-text part's template; null or blank derives the text from the HTML.</param>
public sealed record TemplateInput(string Name, string Body, string? Description, string? Group, bool? InlineCss, string? TextBody = null);

/// <summary>A template as the API answers it and the admin pages show it.</summary>
public sealed record TemplateView(int Id, string Name, string Body, string? Description, string? Group, bool InlineCss, int Version, DateTimeOffset UpdatedAt, string? TextBody);

public sealed class TemplateInputValidator : AbstractValidator<TemplateInput>
{
    public TemplateInputValidator()
    {
        RuleFor(t => t.Name).NotEmpty().MaximumLength(200)
            .Matches("^[^\\s{}>\"']+$").WithMessage("A template name has no spaces, braces, quotes or '>': other templates include it as {{> name}}.");
        RuleFor(t => t.Body).NotNull()
            .Must(body => body!.Length <= TemplateLimits.MaxBodyLength).WithMessage(t => TemplateLimits.BodyTooLong(t.Body.Length));
        RuleFor(t => t.TextBody)
            .Must(text => text!.Length <= TemplateLimits.MaxBodyLength).When(t => t.TextBody is not null)
            .WithMessage(t => TemplateLimits.BodyTooLong(t.TextBody!.Length));
        RuleFor(t => t.Description).MaximumLength(2000);
    }
}

/// <summary>
/// A compile error as a field error says it, "Line 3, column 7: ...": the API adds the position as
/// problem extensions and the editor marks the line, both reading it back from the one format.
/// </summary>
public static class CompileErrorText
{
    public static string Format(TemplateCompileException error) => $"Line {error.Line}, column {error.Column}: {error.Message}";

    public static bool TryParse(string text, out int line, out int column)
    {
        line = column = 0;
        var match = System.Text.RegularExpressions.Regex.Match(text, @"^Line (\d+), column (\d+): ");
        return match.Success && int.TryParse(match.Groups[1].Value, out line) && int.TryParse(match.Groups[2].Value, out column);
    }
}
