using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Groups;

namespace Triton.Core.Campaigns;

public sealed class CampaignInputValidator : AbstractValidator<CampaignInput>
{
    public CampaignInputValidator(TritonDbContext db)
    {
        RuleFor(c => c.Name).Cascade(CascadeMode.Stop)
            .NotEmpty()
            .MaximumLength(200)
            .MustAsync(async (input, name, context, ct) =>
            {
                var edited = EditedEntity.Id(context);
                var trimmed = name!.Trim();
                return !await db.Campaigns.AnyAsync(c => c.Name == trimmed && c.Id != edited, ct);
            }).WithMessage("A campaign with this name already exists.");
        Include(new MessageSettingsValidator(db));
        RuleFor(c => c.ListId).Cascade(CascadeMode.Stop).NotNull()
            .MustAsync((id, ct) => db.Lists.AnyAsync(l => l.Id == id, ct)).WithMessage("No list has this id.");
        RuleFor(c => c.Group)
            .MustAsync((group, ct) => GroupNames.ExistsOrEmptyAsync(db, GroupScope.Campaign, group, ct))
            .WithMessage("No campaign group has this name.");
        RuleFor(c => c.Description).MaximumLength(4000);
        RuleFor(c => c.Concurrency).InclusiveBetween(1, 1000);
        RuleFor(c => c.MaxStartDelayMinutes).GreaterThanOrEqualTo(0);
    }
}
