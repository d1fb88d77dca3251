using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Groups;

namespace Triton.Core.Tracking;

/// <summary>A tracking category as the API and the admin submit it; <see cref="Group"/> names a category group.</summary>
public sealed class CategoryInput
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Group { get; set; }
}

public sealed class CategoryInputValidator : AbstractValidator<CategoryInput>
{
    public CategoryInputValidator(TritonDbContext db)
    {
        RuleFor(c => c.Name).Cascade(CascadeMode.Stop)
            .NotEmpty()
            .MaximumLength(200)
            .MustAsync(async (input, name, context, ct) =>
            {
                var edited = EditedEntity.Id(context);
                var trimmed = name!.Trim();
                return !await db.TrackingCategories.AnyAsync(c => c.Name == trimmed && c.Id != edited, ct);
            }).WithMessage("A tracking category with this name already exists.");
        RuleFor(c => c.Description).MaximumLength(4000);
        RuleFor(c => c.Group)
            .MustAsync((group, ct) => GroupNames.ExistsOrEmptyAsync(db, GroupScope.Category, group, ct))
            .WithMessage("No category group has this name.");
    }
}
