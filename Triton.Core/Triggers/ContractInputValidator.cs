using System.Text.RegularExpressions;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;

namespace Triton.Core.Triggers;

public sealed partial class ContractInputValidator : AbstractValidator<ContractInput>
{
    public const int MaxVariables = 200;

    public ContractInputValidator(IDbContextFactory<TritonDbContext> contexts)
    {
        RuleFor(c => c.Name).Cascade(CascadeMode.Stop)
            .NotEmpty()
            .MaximumLength(100)
            .Must(n => EventName().IsMatch(n!.Trim())).WithMessage("An event name starts with a letter and holds letters, digits, '_', '-' and '.' only.")
            .MustAsync(async (input, name, context, ct) =>
            {
                var edited = EditedEntity.Id(context);
                var trimmed = name!.Trim();
                await using var db = await contexts.CreateDbContextAsync(ct);
                return !await db.EventContracts.AnyAsync(c => c.Name == trimmed && c.Id != edited, ct);
            }).WithMessage("A contract for this event already exists.");
        RuleFor(c => c.Description).MaximumLength(2000);
        RuleFor(c => c.Variables)
            .Must(v => v is null || v.Count <= MaxVariables).WithMessage($"At most {MaxVariables} variables.")
            .Must(v => v is null || v.Where(x => x.Name is not null).GroupBy(x => x.Name!.Trim(), StringComparer.OrdinalIgnoreCase).All(g => g.Count() == 1))
            .WithMessage("Variable names must be unique (case does not count).");
        RuleForEach(c => c.Variables).ChildRules(variable =>
        {
            variable.RuleFor(v => v.Name).Cascade(CascadeMode.Stop)
                .NotEmpty()
                .MaximumLength(100)
                .Must(n => VariableName().IsMatch(n!.Trim())).WithMessage("A variable name matches ^[A-Za-z_][A-Za-z0-9_]*$.");
            variable.RuleFor(v => v.Description).MaximumLength(2000);
            variable.RuleFor(v => v.TestValue)
                .Must(t => t is null || t.Value.GetRawText().Length <= 64 * 1024).WithMessage("A test value must be at most 64 KB of JSON.");
        });
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]*$")]
    private static partial Regex EventName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}
