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
    public static async Task<ImapClient> ImapAsync(BounceOptions options, CancellationToken cancellationToken)
    {
        var client = new ImapClient();
        try
        {
            if (options.AcceptSelfSignedCertificate) client.ServerCertificateValidationCallback = (_, _, _, _) => true;
            await client.ConnectAsync(options.Host!, Port(options, 993, 143), Security(options), cancellationToken);
            await client.AuthenticateAsync(options.Username ?? "", options.Password ?? "", cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The configured folder, opened; the inbox by its special name, any other by its full name.</summary>
    public static async Task<IMailFolder> OpenFolderAsync(ImapClient client, BounceOptions options, FolderAccess access, CancellationToken cancellationToken)
    {
        var folder = IsInbox(options.Folder) ? client.Inbox : await client.GetFolderAsync(options.Folder.Trim(), cancellationToken);
        await folder.OpenAsync(access, cancellationToken);
        return folder;
    }

    public static async Task<Pop3Client> Pop3Async(BounceOptions options, CancellationToken cancellationToken)
    {
        var client = new Pop3Client();
        try
        {
            if (options.AcceptSelfSignedCertificate) client.ServerCertificateValidationCallback = (_, _, _, _) => true;
            await client.ConnectAsync(options.Host!, Port(options, 995, 110), Security(options), cancellationToken);
            await client.AuthenticateAsync(options.Username ?? "", options.Password ?? "", cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public static bool IsInbox(string? folder) =>
        string.IsNullOrWhiteSpace(folder) || string.Equals(folder.Trim(), BounceOptions.Inbox, StringComparison.OrdinalIgnoreCase);

    private static int Port(BounceOptions options, int implicitTls, int plain) =>
        options.Port > 0 ? options.Port : options.Security == MailboxSecurity.Tls ? implicitTls : plain;

    private static SecureSocketOptions Security(BounceOptions options) => options.Security switch
    {
        MailboxSecurity.None => SecureSocketOptions.None,
        MailboxSecurity.StartTls => SecureSocketOptions.StartTls,
        MailboxSecurity.Tls => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
