using Triton.Core.Domain;

namespace Triton.Core.Mail;

/// <summary>Copies a validated input onto a transport row.</summary>
public static class TransportInputMapping
{
    public static void ApplyTo(this TransportInput input, Transport transport, int? groupId, ISecretProtector secrets, DateTimeOffset now)
    {
        EnumNames.TryParse<TransportKind>(input.Kind, out var kind);
        transport.Name = input.Name!.Trim();
        transport.Kind = kind;
        transport.Host = string.IsNullOrWhiteSpace(input.Host) ? null : input.Host.Trim();
        transport.Port = input.Port ?? 25;
        transport.Security = EnumNames.TryParse<TransportSecurity>(input.Security, out var security) ? security : TransportSecurity.StartTls;
        transport.Username = string.IsNullOrEmpty(input.Username) ? null : input.Username;
        // Write-only: an update that does not send a password keeps the stored one.
        if (input.Password is not null)
            transport.ProtectedPassword = input.Password.Length == 0 ? null : secrets.Protect(input.Password);
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
}
