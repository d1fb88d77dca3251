using System.Net.Mail;
using System.Text.Json;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Campaigns;

/// <summary>What a campaign and a trigger both say about their messages: template, transport, subjects, sender, headers, variables.</summary>
public interface IMessageSettings
{
    int? TemplateId { get; }
    int? TransportId { get; }
    int? TrackingCategoryId { get; }
    List<string>? Subjects { get; }
    string? SubjectMode { get; }
    string? FromAddress { get; }
    string? FromName { get; }
    Dictionary<string, string>? CustomHeaders { get; }
    JsonElement? CustomVariables { get; }
}

/// <summary>The rules of <see cref="IMessageSettings"/>, included by the campaign and trigger validators.</summary>
public sealed class MessageSettingsValidator : AbstractValidator<IMessageSettings>
{
    public MessageSettingsValidator(TritonDbContext db)
    {
        RuleFor(c => c.TemplateId).Cascade(CascadeMode.Stop).NotNull()
            .MustAsync((id, ct) => db.Templates.AnyAsync(t => t.Id == id, ct)).WithMessage("No template has this id.");
        RuleFor(c => c.TransportId).Cascade(CascadeMode.Stop).NotNull()
            .MustAsync((id, ct) => db.Transports.AnyAsync(t => t.Id == id, ct)).WithMessage("No transport has this id.");
        RuleFor(c => c.TrackingCategoryId)
            .MustAsync((id, ct) => db.TrackingCategories.AnyAsync(t => t.Id == id, ct)).When(c => c.TrackingCategoryId is not null)
            .WithMessage("No tracking category has this id.");

        RuleFor(c => c.Subjects).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("At least one subject is required.")
            .Must(s => s!.Count > 0).WithMessage("At least one subject is required.")
            .Must(s => s!.Count <= 100).WithMessage("At most 100 subjects.");
        RuleForEach(c => c.Subjects).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("A subject must not be empty.")
            .MaximumLength(998)
            .Must(s => s.IndexOfAny(['\r', '\n']) < 0).WithMessage("A subject must be one line.");
        RuleFor(c => c.SubjectMode)
            .Must(EnumNames.IsValid<SubjectMode>).When(c => c.SubjectMode is not null)
            .WithMessage($"'Subject Mode' must be one of: {EnumNames.List<SubjectMode>()}.");

        RuleFor(c => c.FromAddress).Cascade(CascadeMode.Stop)
            .NotEmpty()
            .MaximumLength(320)
            .Must(IsPlainAddress).WithMessage("'From Address' must be a valid email address.");
        RuleFor(c => c.FromName).MaximumLength(200)
            .Must(n => n is null || n.IndexOfAny(['\r', '\n', '\0']) < 0).WithMessage("'From Name' must be one line.");

        RuleFor(c => c.CustomHeaders)
            .Must(h => h is null || h.Count <= 50).WithMessage("At most 50 custom headers.")
            .Custom((headers, context) =>
            {
                if (headers is null) return;
                foreach (var (name, value) in headers)
                {
                    var property = $"customHeaders['{name}']";
                    if (!CustomHeaderRules.IsFieldName(name))
                        context.AddFailure(property, $"'{name}' is not a valid header name.");
                    else if (CustomHeaderRules.IsReserved(name))
                        context.AddFailure(property, $"'{name}' is set by Triton and cannot be overridden.");
                    else if (!CustomHeaderRules.IsValue(value))
                        context.AddFailure(property, $"The value of '{name}' must be one line of at most 998 characters.");
                }
            });
        RuleFor(c => c.CustomVariables)
            .Must(v => v is null || v.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Null)
            .WithMessage("'Custom Variables' must be a JSON object.");

    }

    private static bool IsPlainAddress(string? text) =>
        text is not null
        && text.IndexOfAny(['\r', '\n', '<', '>', ' ', ',', ';']) < 0
        && MailAddress.TryCreate(text, out var address)
        && address.Address == text
        && address.Host.Length > 0;
}
