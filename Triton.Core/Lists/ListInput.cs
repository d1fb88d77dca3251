using FluentValidation;

namespace Triton.Core.Lists;

public sealed record ListInput(string Name, string? Description, string? Group, List<string>? Columns);

/// <summary>A list as the API answers it and the admin pages show it, with its recipient count.</summary>
public sealed record ListView(int Id, string Name, string? Description, string? Group, IReadOnlyList<string> Columns, long Recipients, DateTimeOffset CreatedAt);

public sealed class ListInputValidator : AbstractValidator<ListInput>
{
    public ListInputValidator()
    {
        RuleFor(l => l.Name).NotEmpty().MaximumLength(200);
        RuleFor(l => l.Description).MaximumLength(2000);
        RuleFor(l => l.Columns).Custom((columns, context) =>
        {
            foreach (var problem in ListColumnRules.Problems(columns ?? []))
                context.AddFailure(nameof(ListInput.Columns), problem);
        });
    }
}
