using FluentValidation;
using Triton.Core.Domain;

namespace Triton.Core.Bounces;

/// <summary>
/// The bounce mailbox's settings. <paramref name="keptPasswordFor"/> is where the password in force may go (null:
/// there is none): an input that keeps it (no password) must keep that destination too, as transports do.
/// </summary>
public sealed class BounceMailboxInputValidator : AbstractValidator<BounceMailboxInput>
{
    public const int MinPollSeconds = 5, MaxPollSeconds = 86_400;

    public const string PasswordForAnotherDestination =
        "Enter the password again: it was entered for another host/port/username/protocol/security.";

    public BounceMailboxInputValidator(MailboxDestination? keptPasswordFor)
    {
        RuleFor(i => i.Host).Cascade(CascadeMode.Stop)
            .NotEmpty().When(i => i.Enabled == true).WithMessage("'Host' must not be empty while the mailbox is enabled.")
            .MaximumLength(255)
            .Must(h => h is null || !h.Trim().Any(char.IsWhiteSpace)).WithMessage("'Host' must not contain spaces.");
        RuleFor(i => i.Port).InclusiveBetween(1, 65535).When(i => i.Port is not null);
        RuleFor(i => i.Protocol)
            .Must(EnumNames.IsValid<MailboxProtocol>).When(i => i.Protocol is not null)
            .WithMessage($"'Protocol' must be one of: {EnumNames.List<MailboxProtocol>()}.");
        RuleFor(i => i.Security)
            .Must(EnumNames.IsValid<MailboxSecurity>).When(i => i.Security is not null)
            .WithMessage($"'Security' must be one of: {EnumNames.List<MailboxSecurity>()}.");
        RuleFor(i => i.Folder).Cascade(CascadeMode.Stop)
            .MaximumLength(255)
            .Must(f => f is null || !f.Any(char.IsControl)).WithMessage("'Folder' must not contain control characters.")
            .Must(MailboxClients.IsInbox).When(i => i.Destination().Protocol == MailboxProtocol.Pop3)
            .WithMessage("POP3 reads the inbox only: leave 'Folder' blank or INBOX, or use IMAP.");
        RuleFor(i => i.PollSeconds).InclusiveBetween(MinPollSeconds, MaxPollSeconds).When(i => i.PollSeconds is not null);
        RuleFor(i => i.Username).MaximumLength(255);
        RuleFor(i => i.Password).MaximumLength(1000);
        RuleFor(i => i.Password)
            .Must((input, password) => password is not null || keptPasswordFor is null || keptPasswordFor == input.Destination())
            .WithMessage(PasswordForAnotherDestination);
    }
}
