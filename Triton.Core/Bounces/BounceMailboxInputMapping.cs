using Triton.Core.Domain;

namespace Triton.Core.Bounces;

/// <summary>Reads a validated input with its defaults, onto the stored row or into options for a connection test.</summary>
public static class BounceMailboxInputMapping
{
    /// <summary>Where this input sends the password, with the defaults a save stores.</summary>
    public static MailboxDestination Destination(this BounceMailboxInput input) =>
        new(Host(input), input.Port ?? 0, Username(input), Protocol(input), Security(input));

    /// <summary>Copies the input onto the row; the password is the caller's (sealed for the input's destination).</summary>
    public static void ApplyTo(this BounceMailboxInput input, BounceMailboxSettings row, string? protectedPassword, DateTimeOffset now)
    {
        var destination = input.Destination();
        row.Enabled = input.Enabled ?? false;
        row.Host = destination.Host;
        row.Port = destination.Port;
        row.Username = destination.Username;
        row.ProtectedPassword = protectedPassword;
        row.Protocol = destination.Protocol;
        row.Security = destination.Security;
        row.Folder = Folder(input);
        row.PollSeconds = input.PollSeconds ?? DefaultPollSeconds;
        row.AcceptSelfSignedCertificate = input.AcceptSelfSignedCertificate ?? false;
        row.UpdatedAt = now;
    }

    /// <summary>The input as the poller would use it, with this password: what a connection test tries.</summary>
    public static BounceOptions ToOptions(this BounceMailboxInput input, string? password)
    {
        var destination = input.Destination();
        return new BounceOptions
        {
            Host = destination.Host, Port = destination.Port, Username = destination.Username, Password = password,
            Protocol = destination.Protocol, Security = destination.Security, Folder = Folder(input),
            PollSeconds = input.PollSeconds ?? DefaultPollSeconds, AcceptSelfSignedCertificate = input.AcceptSelfSignedCertificate ?? false,
        };
    }

    private const int DefaultPollSeconds = 60;

    private static string? Host(BounceMailboxInput input) => string.IsNullOrWhiteSpace(input.Host) ? null : input.Host.Trim();

    private static string? Username(BounceMailboxInput input) => string.IsNullOrEmpty(input.Username) ? null : input.Username;

    private static string Folder(BounceMailboxInput input) => MailboxClients.IsInbox(input.Folder) ? BounceOptions.Inbox : input.Folder!.Trim();

    private static MailboxProtocol Protocol(BounceMailboxInput input) =>
        EnumNames.TryParse<MailboxProtocol>(input.Protocol, out var protocol) ? protocol : MailboxProtocol.Imap;

    private static MailboxSecurity Security(BounceMailboxInput input) =>
        EnumNames.TryParse<MailboxSecurity>(input.Security, out var security) ? security : MailboxSecurity.Auto;
}
