using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Groups;
using Triton.Core.Mail.Dkim;
using Triton.Core.Mail.Pickup;

namespace Triton.Core.Mail;

public sealed class TransportInputValidator : AbstractValidator<TransportInput>
{
    public TransportInputValidator(TritonDbContext db, IOptions<TritonOptions> triton)
    {
        RuleFor(t => t.Name).Cascade(CascadeMode.Stop)
            .NotEmpty()
            .MaximumLength(200)
            .MustAsync(async (input, name, context, ct) =>
            {
                var edited = EditedEntity.Id(context);
                var trimmed = name!.Trim();
                return !await db.Transports.AnyAsync(t => t.Name == trimmed && t.Id != edited, ct);
            }).WithMessage("A transport with this name already exists.");
        RuleFor(t => t.Kind).Cascade(CascadeMode.Stop)
            .NotEmpty()
            .Must(EnumNames.IsValid<TransportKind>).WithMessage($"'Kind' must be one of: {EnumNames.List<TransportKind>()}.");
        When(IsSmtp, () =>
        {
            RuleFor(t => t.Host).NotEmpty().MaximumLength(255)
                .Must(h => h is null || !h.Any(char.IsWhiteSpace)).WithMessage("'Host' must not contain spaces.");
            RuleFor(t => t.Port).NotNull().InclusiveBetween(1, 65535);
            RuleFor(t => t.Password)
                .MustAsync(async (input, password, context, ct) =>
                    password is not null || await KeepsStoredDestinationAsync(db, input, EditedEntity.Id(context), ct))
                .WithMessage(PasswordForAnotherDestination);
        });
        RuleFor(t => t.Port).InclusiveBetween(1, 65535).When(t => t.Port is not null);
        RuleFor(t => t.Security)
            .Must(EnumNames.IsValid<TransportSecurity>).When(t => t.Security is not null)
            .WithMessage($"'Security' must be one of: {EnumNames.List<TransportSecurity>()}.");
        RuleFor(t => t.Username).MaximumLength(255);
        RuleFor(t => t.Password).MaximumLength(1000);
        RuleFor(t => t.PickupDirectory).Cascade(CascadeMode.Stop)
            .MaximumLength(1000)
            .Must(p => p is null || p.IndexOfAny(Path.GetInvalidPathChars()) < 0).WithMessage("'Pickup Directory' is not a valid path.")
            .Must(p => PickupDirectories.TryResolve(triton.Value, p) is not null).WithMessage(PickupDirectories.Rule);
        RuleFor(t => t.DkimDomain).MaximumLength(253)
            .Must(d => d is null || DkimNames.IsDomain(d.Trim())).WithMessage("'Dkim Domain' must be a domain name such as example.com.");
        RuleFor(t => t.DkimSelector).MaximumLength(63)
            .Must(s => s is null || DkimNames.IsSelector(s.Trim())).WithMessage("'Dkim Selector' must be letters, digits, '-', '_' or '.'.");
        RuleFor(t => t.DkimPrivateKey).Cascade(CascadeMode.Stop)
            .MaximumLength(16_000)
            .Must(DkimNames.IsUsableKey).WithMessage("'Dkim Private Key' is not an RSA private key in PEM form (at least 1024 bits).");
        RuleFor(t => t.MaxConnections).InclusiveBetween(1, 1000);
        RuleFor(t => t.MaxMessagesPerConnection).InclusiveBetween(1, 1_000_000);
        RuleFor(t => t.RatePerSecond).InclusiveBetween(0, 1_000_000);
        RuleFor(t => t.WindowMessages).InclusiveBetween(0, 100_000_000);
        RuleFor(t => t.WindowSeconds).InclusiveBetween(0, 31 * 86_400);
        // A quota needs both halves: a count without a window (or the reverse) is a mistake, not "off".
        RuleFor(t => t.WindowSeconds).Must(s => s > 0).When(t => t.WindowMessages > 0)
            .WithMessage("'Window Seconds' must be set when 'Window Messages' is.");
        RuleFor(t => t.WindowMessages).Must(m => m > 0).When(t => t.WindowSeconds > 0)
            .WithMessage("'Window Messages' must be set when 'Window Seconds' is.");
        RuleFor(t => t.Group)
            .MustAsync((group, ct) => GroupNames.ExistsOrEmptyAsync(db, GroupScope.Transport, group, ct))
            .WithMessage("No transport group has this name.");
    }

    public const string PasswordForAnotherDestination =
        "Enter the password again: it was entered for another host/port/username/security.";

    /// <summary>
    /// A kept password (none in the input) stays bound to the host, port, username and security it was entered
    /// with: an update that changes any of them must bring the password again, or clear it.
    /// </summary>
    private static async Task<bool> KeepsStoredDestinationAsync(TritonDbContext db, TransportInput input, int? editedId, CancellationToken ct)
    {
        if (editedId is not int id) return true;
        var stored = await db.Transports.AsNoTracking().Where(t => t.Id == id && t.ProtectedPassword != null)
            .Select(t => new { t.Host, t.Port, t.Username, t.Security }).FirstOrDefaultAsync(ct);
        return stored is null || new SmtpDestination(stored.Host, stored.Port, stored.Username, stored.Security) == input.Destination();
    }

    private static bool IsSmtp(TransportInput input) =>
        EnumNames.TryParse<TransportKind>(input.Kind, out var kind) && kind == TransportKind.Smtp;
}
