using FluentValidation;

namespace Triton.Web.Access;

/// <summary>A user's own settings as the settings page saves them: each rule names its field.</summary>
public sealed class UserSettingsValidator : AbstractValidator<UserSettings>
{
    public UserSettingsValidator()
    {
        RuleFor(s => s.PageSize).InclusiveBetween(UserPreferences.MinPageSize, UserPreferences.MaxPageSize)
            .OverridePropertyName("pageSize")
            .WithMessage($"The page size is between {UserPreferences.MinPageSize} and {UserPreferences.MaxPageSize}.");
        RuleFor(s => s.DefaultTestRecipient)
            .Must(r => r!.Trim().Length <= 320 && System.Net.Mail.MailAddress.TryCreate(r.Trim(), out _))
            .When(s => !string.IsNullOrWhiteSpace(s.DefaultTestRecipient))
            .OverridePropertyName("defaultTestRecipient")
            .WithMessage("Enter an email address, or leave it blank.");
        RuleFor(s => s.TimeZone)
            .Must(z => TimeZoneInfo.TryFindSystemTimeZoneById(z!.Trim(), out _))
            .When(s => !string.IsNullOrWhiteSpace(s.TimeZone))
            .OverridePropertyName("timeZone")
            .WithMessage(s => $"'{s.TimeZone!.Trim()}' is not a time zone this server knows.");
    }
}
