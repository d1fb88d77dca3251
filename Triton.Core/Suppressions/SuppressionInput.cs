using FluentValidation;
using Triton.Core.Domain;
using Triton.Core.Lists;

namespace Triton.Core.Suppressions;

/// <summary>One address to suppress, as the API, the admin and a CSV row give it.</summary>
public sealed class SuppressionInput
{
    public string? Email { get; set; }

    /// <summary>unsubscribed, hardbounce, complaint or manual; manual when absent.</summary>
    public string? Reason { get; set; }
}

public sealed class SuppressionInputValidator : AbstractValidator<SuppressionInput>
{
    public SuppressionInputValidator()
    {
        RuleFor(s => s.Email).Cascade(CascadeMode.Stop)
            .NotEmpty()
            .Must(email => EmailAddresses.IsValid(email!.Trim())).WithMessage(s => $"{ReportedValue.Quote(s.Email!)} is not a valid email address.");
        RuleFor(s => s.Reason)
            .Must(reason => string.IsNullOrWhiteSpace(reason) || EnumNames.IsValid<SuppressionReason>(reason))
            .WithMessage($"'reason' must be one of: {EnumNames.List<SuppressionReason>()}.");
    }
}

public sealed record SuppressionView(long Id, string Email, string Reason, string Source, DateTimeOffset CreatedAt)
{
    public static SuppressionView Of(Suppression s) => new(s.Id, s.Email, EnumNames.Name(s.Reason), s.Source, s.CreatedAt);
}

public sealed record SuppressionPage(IReadOnlyList<SuppressionView> Items, long Total, int Page, int PageSize);
