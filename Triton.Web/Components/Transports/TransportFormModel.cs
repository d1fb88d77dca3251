using Triton.Core.Domain;
using Triton.Core.Mail;

namespace Triton.Web.Components.Transports;

/// <summary>
/// The transport editor's fields. It converts to the API's TransportInput, so the same validator and
/// mapping apply; the password is write-only (blank keeps the stored one).
/// </summary>
public sealed class TransportFormModel
{
    public string? Name { get; set; }
    public string Kind { get; set; } = "smtp";
    public string? Group { get; set; }
    public string? Host { get; set; }
    public int? Port { get; set; } = 587;
    public string Security { get; set; } = "starttls";
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>Forget the stored password (a blank password field alone keeps it).</summary>
    public bool ClearPassword { get; set; }
    public string? PickupDirectory { get; set; }
    public int? MaxConnections { get; set; } = 4;
    public int? MaxMessagesPerConnection { get; set; } = 1000;
    public double? RatePerSecond { get; set; } = 0;
    public int? WindowMessages { get; set; } = 0;
    public int? WindowSeconds { get; set; } = 0;
    public bool AcceptSelfSignedCertificate { get; set; }
    public bool AllowAuthWithoutTls { get; set; }
    public string? DkimDomain { get; set; }
    public string? DkimSelector { get; set; }

    /// <summary>Write-only like the password: blank keeps the stored key.</summary>
    public string? DkimPrivateKey { get; set; }
    public bool ClearDkimPrivateKey { get; set; }

    public static TransportFormModel From(Transport t, string? groupName) => new()
    {
        Name = t.Name, Kind = EnumNames.Name(t.Kind), Group = groupName, Host = t.Host, Port = t.Port,
        Security = EnumNames.Name(t.Security), Username = t.Username, PickupDirectory = t.PickupDirectory,
        MaxConnections = t.MaxConnections, MaxMessagesPerConnection = t.MaxMessagesPerConnection,
        RatePerSecond = t.RatePerSecond, WindowMessages = t.WindowMessages, WindowSeconds = t.WindowSeconds,
        AcceptSelfSignedCertificate = t.AcceptSelfSignedCertificate, AllowAuthWithoutTls = t.AllowAuthWithoutTls,
        DkimDomain = t.DkimDomain, DkimSelector = t.DkimSelector,
    };

    public TransportInput ToInput() => new()
    {
        Name = Name, Kind = Kind, Group = string.IsNullOrWhiteSpace(Group) ? null : Group,
        Host = Host, Port = Port, Security = Security, Username = Username,
        // TransportInputMapping: null keeps the stored password, "" removes it.
        Password = ClearPassword ? "" : string.IsNullOrEmpty(Password) ? null : Password,
        PickupDirectory = PickupDirectory, MaxConnections = MaxConnections, MaxMessagesPerConnection = MaxMessagesPerConnection,
        RatePerSecond = RatePerSecond, WindowMessages = WindowMessages, WindowSeconds = WindowSeconds,
        AcceptSelfSignedCertificate = AcceptSelfSignedCertificate, AllowAuthWithoutTls = AllowAuthWithoutTls,
        DkimDomain = DkimDomain, DkimSelector = DkimSelector,
        DkimPrivateKey = ClearDkimPrivateKey ? "" : string.IsNullOrWhiteSpace(DkimPrivateKey) ? null : DkimPrivateKey,
    };
}
