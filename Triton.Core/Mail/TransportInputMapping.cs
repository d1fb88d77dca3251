using Triton.Core.Domain;

namespace Triton.Core.Mail;

/// <summary>Copies a validated input onto a transport row.</summary>
public static class TransportInputMapping
{
    public static void ApplyTo(this TransportInput input, Transport transport, int? groupId, TransportPasswords passwords, DateTimeOffset now)
    {
        var storedWith = SmtpDestination.Of(transport);
        EnumNames.TryParse<TransportKind>(input.Kind, out var kind);
        transport.Name = input.Name!.Trim();
        transport.Kind = kind;
        transport.Host = Host(input);
        transport.Port = Port(input);
        transport.Security = Security(input);
        transport.Username = Username(input);
        // Write-only: an update that does not send a password keeps the stored one (the validator has checked that
        // the destination did not change); a new password is bound to the destination it was entered with.
        if (input.Password is null)
        {
            if (transport.ProtectedPassword is { } stored) transport.ProtectedPassword = passwords.Keep(stored, storedWith);
        }
        else
        {
            transport.ProtectedPassword = input.Password.Length == 0 ? null : passwords.Protect(input.Password, SmtpDestination.Of(transport));
        }
        transport.DkimDomain = string.IsNullOrWhiteSpace(input.DkimDomain) ? null : input.DkimDomain.Trim().ToLowerInvariant();
        transport.DkimSelector = string.IsNullOrWhiteSpace(input.DkimSelector) ? null : input.DkimSelector.Trim();
        if (input.DkimPrivateKey is not null)
            transport.ProtectedDkimPrivateKey = input.DkimPrivateKey.Trim().Length == 0 ? null : passwords.ProtectDkimKey(input.DkimPrivateKey.Trim());
        transport.PickupDirectory = string.IsNullOrWhiteSpace(input.PickupDirectory) ? null : input.PickupDirectory.Trim();
        transport.MaxConnections = input.MaxConnections ?? 4;
        transport.MaxMessagesPerConnection = input.MaxMessagesPerConnection ?? 1000;
        transport.RatePerSecond = input.RatePerSecond ?? 0;
        transport.WindowMessages = input.WindowMessages ?? 0;
        transport.WindowSeconds = input.WindowSeconds ?? 0;
        transport.AcceptSelfSignedCertificate = input.AcceptSelfSignedCertificate ?? false;
        transport.AllowAuthWithoutTls = input.AllowAuthWithoutTls ?? false;
        transport.GroupId = groupId;
        // The transport factory caches connections by UpdatedAt: every change must move it.
        transport.UpdatedAt = now > transport.UpdatedAt ? now : transport.UpdatedAt.AddTicks(1);
    }

    /// <summary>Where this input sends the password, with the defaults ApplyTo stores.</summary>
    public static SmtpDestination Destination(this TransportInput input) => new(Host(input), Port(input), Username(input), Security(input));

    private static string? Host(TransportInput input) => string.IsNullOrWhiteSpace(input.Host) ? null : input.Host.Trim();

    private static int Port(TransportInput input) => input.Port ?? 25;

    private static TransportSecurity Security(TransportInput input) =>
        EnumNames.TryParse<TransportSecurity>(input.Security, out var security) ? security : TransportSecurity.StartTls;

    private static string? Username(TransportInput input) => string.IsNullOrEmpty(input.Username) ? null : input.Username;
}
