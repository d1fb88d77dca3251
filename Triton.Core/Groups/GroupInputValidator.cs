using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Groups;

public sealed class GroupInputValidator : AbstractValidator<GroupInput>
{
    public GroupInputValidator(TritonDbContext db)
    {
        RuleFor(g => g.Scope).Cascade(CascadeMode.Stop)
            .NotEmpty()
            .Must(EnumNames.IsValid<GroupScope>).WithMessage($"'Scope' must be one of: {EnumNames.List<GroupScope>()}.");
        RuleFor(g => g.Name).Cascade(CascadeMode.Stop)
            .NotEmpty()
            .MaximumLength(200)
            .MustAsync(async (input, name, context, ct) =>
            {
                if (!EnumNames.TryParse<GroupScope>(input.Scope, out var scope)) return true;
                var edited = EditedEntity.Id(context);
                var trimmed = name!.Trim();
                return !await db.Groups.AnyAsync(g => g.Scope == scope && g.Name == trimmed && g.Id != edited, ct);
            }).WithMessage("A group with this name already exists in this scope.");
    }
}
