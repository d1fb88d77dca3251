using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Groups;

namespace Triton.Core.Triggers;

public sealed class TriggerInputValidator : AbstractValidator<TriggerInput>
{
    public TriggerInputValidator(TritonDbContext db)
    {
        RuleFor(t => t.Name).Cascade(CascadeMode.Stop)
            .NotEmpty()
            .MaximumLength(200)
            .MustAsync(async (input, name, context, ct) =>
            {
                var edited = EditedEntity.Id(context);
                var trimmed = name!.Trim();
                return !await db.Triggers.AnyAsync(t => t.Name == trimmed && t.Id != edited, ct);
            }).WithMessage("A trigger with this name already exists.");
        RuleFor(t => t.Event).Cascade(CascadeMode.Stop)
            .NotEmpty()
            .MustAsync((name, ct) => db.EventContracts.AnyAsync(c => c.Name == name!.Trim(), ct))
            .WithMessage("No event contract has this name.");
        Include(new MessageSettingsValidator(db));
        RuleFor(t => t.Group)
            .MustAsync((group, ct) => GroupNames.ExistsOrEmptyAsync(db, GroupScope.Trigger, group, ct))
            .WithMessage("No trigger group has this name.");
        RuleFor(t => t.Description).MaximumLength(4000);
    }
}
