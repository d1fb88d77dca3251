using System.Text.Json;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Lists;

namespace Triton.Core.Campaigns;

/// <summary>
/// The rules of a campaign's preview and test send: an address to send to (test sends only), variables and
/// a recipient given by value as JSON objects whose names are there once, and a chosen recipient on the
/// campaign's own list.
/// </summary>
public sealed class CampaignTestInputValidator : AbstractValidator<CampaignTestInput>
{
    public const string AddressRequired = "A valid email address is required.";

    public CampaignTestInputValidator(TritonDbContext db, int listId, bool sending)
    {
        RuleFor(i => i.Email).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage(AddressRequired)
            .Must(e => EmailAddresses.IsValid(e!.Trim())).WithMessage(AddressRequired)
            .When(_ => sending);
        RuleFor(i => i.Variables).Custom((value, context) => CheckObject(value, "variables", "Variables", context));
        RuleFor(i => i.AsRecipient).Custom((value, context) => CheckObject(value, "asRecipient", "The recipient", context));
        RuleFor(i => i.RecipientId).Cascade(CascadeMode.Stop)
            .Must((input, _) => input.AsRecipient is not { ValueKind: JsonValueKind.Object })
            .WithMessage("Choose a recipient of the list or give one by value, not both.")
            .MustAsync((id, ct) => db.Recipients.AnyAsync(r => r.Id == id && r.ListId == listId, ct))
            .WithMessage("This recipient is not on the campaign's list.")
            .When(i => i.RecipientId is not null);
    }

    /// <summary>A JSON object (or nothing) whose every name is non-blank and there once: the renderer reads it by name.</summary>
    private static void CheckObject<T>(JsonElement? value, string field, string what, ValidationContext<T> context)
    {
        if (value is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return;
        if (element.ValueKind != JsonValueKind.Object)
        {
            context.AddFailure(field, $"{what} must be a JSON object.");
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (string.IsNullOrWhiteSpace(property.Name)) context.AddFailure(field, "A name must not be blank.");
            else if (!names.Add(property.Name)) context.AddFailure(field, $"'{property.Name}' is there twice.");
        }
    }
}
