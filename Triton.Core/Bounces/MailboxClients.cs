using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace Triton.Core.Bounces;

/// <summary>
/// Opens the bounce mailbox as BounceOptions say (connect, TLS, authenticate, the IMAP folder): the poller and
/// the settings page's connection test both go through here, so a test that passes is a poll that can log in.
/// </summary>
public static class MailboxClients
{
    public static Task<ImapClient> ImapAsync(BounceOptions options, CancellationToken cancellationToken) =>
        SignInAsync(new ImapClient(), options, 993, 143, cancellationToken);

    public static Task<Pop3Client> Pop3Async(BounceOptions options, CancellationToken cancellationToken) =>
        SignInAsync(new Pop3Client(), options, 995, 110, cancellationToken);

    /// <summary>The configured folder, opened; the inbox by its special name, any other by its full name.</summary>
    public static async Task<IMailFolder> OpenFolderAsync(ImapClient client, BounceOptions options, FolderAccess access, CancellationToken cancellationToken)
    {
        var folder = IsInbox(options.Folder) ? client.Inbox : await client.GetFolderAsync(options.Folder.Trim(), cancellationToken);
        await folder.OpenAsync(access, cancellationToken);
        return folder;
    }

    public static bool IsInbox(string? folder) =>
        string.IsNullOrWhiteSpace(folder) || string.Equals(folder.Trim(), BounceOptions.Inbox, StringComparison.OrdinalIgnoreCase);

    /// <summary>Connects and authenticates <paramref name="client"/>, which the caller then owns; disposed if either fails.</summary>
    private static async Task<TClient> SignInAsync<TClient>(TClient client, BounceOptions options, int implicitTlsPort, int plainPort,
        CancellationToken cancellationToken) where TClient : MailService
    {
        try
        {
            if (options.AcceptSelfSignedCertificate) client.ServerCertificateValidationCallback = (_, _, _, _) => true;
            var port = options.Port > 0 ? options.Port : options.Security == MailboxSecurity.Tls ? implicitTlsPort : plainPort;
            await client.ConnectAsync(options.Host!, port, Security(options), cancellationToken);
            await client.AuthenticateAsync(options.Username ?? "", options.Password ?? "", cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static SecureSocketOptions Security(BounceOptions options) => options.Security switch
    {
        MailboxSecurity.None => SecureSocketOptions.None,
        MailboxSecurity.StartTls => SecureSocketOptions.StartTls,
        MailboxSecurity.Tls => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
