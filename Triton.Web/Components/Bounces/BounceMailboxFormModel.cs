using Triton.Core.Bounces;
using Triton.Core.Domain;

namespace Triton.Web.Components.Bounces;

/// <summary>
/// The bounce mailbox form's fields. It converts to the API's BounceMailboxInput, so the same validator and mapping
/// apply; the password is write-only (blank keeps the one in force), as on the transport form.
/// </summary>
public sealed class BounceMailboxFormModel
{
    public bool Enabled { get; set; }
    public string? Host { get; set; }
    public int? Port { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>Forget the password in force (a blank password field alone keeps it).</summary>
    public bool ClearPassword { get; set; }
    public string Protocol { get; set; } = "imap";
    public string Security { get; set; } = "auto";
    public string? Folder { get; set; } = BounceOptions.Inbox;
    public int? PollSeconds { get; set; } = 60;
    public bool AcceptSelfSignedCertificate { get; set; }

    public static BounceMailboxFormModel From(BounceMailboxView v) => new()
    {
        Enabled = v.Enabled, Host = v.Host, Port = v.Port, Username = v.Username, Protocol = EnumNames.Name(v.Protocol),
        Security = EnumNames.Name(v.Security), Folder = v.Folder, PollSeconds = v.PollSeconds, AcceptSelfSignedCertificate = v.AcceptSelfSignedCertificate,
    };

    public BounceMailboxInput ToInput() => new()
    {
        Enabled = Enabled, Host = Host, Port = Port, Username = Username,
        // BounceMailboxInputMapping: null keeps the password in force, "" removes it.
        Password = ClearPassword ? "" : string.IsNullOrEmpty(Password) ? null : Password,
        Protocol = Protocol, Security = Security, Folder = Protocol == "pop3" ? null : Folder, PollSeconds = PollSeconds,
        AcceptSelfSignedCertificate = AcceptSelfSignedCertificate,
    };
}
