using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Triton.Tests.Mail.TestServers;

/// <summary>
/// A throwaway Dovecot IMAP and POP3 server (Debian's dovecot-imapd and dovecot-pop3d, installed by scripts/test.sh): its own
/// configuration, base_dir, state and one passwd-file user whose Maildir lives under a temp dir, on
/// a free port of 127.0.0.1. Nothing of the system's Dovecot configuration is used.
/// </summary>
public sealed class DovecotServer : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/dovecot";
    private const string Pop3Binary = "/usr/lib/dovecot/pop3";
    public const string User = "bounces", Password = "bounce-secret";

    private readonly string _root;
    private readonly bool _asRoot = Environment.UserName == "root";
    private Process? _master;

    private DovecotServer(string root, int port, int pop3Port)
    {
        _root = root;
        Port = port;
        Pop3Port = pop3Port;
    }

    /// <summary>The IMAP port.</summary>
    public int Port { get; }
    public int Pop3Port { get; }
    public string Maildir => Path.Combine(_root, "mail", User, "Maildir");

    public static async Task<DovecotServer> StartAsync()
    {
        if (!File.Exists(Binary) || !File.Exists(Pop3Binary))
            throw new InvalidOperationException($"{Binary} or {Pop3Binary} is missing: scripts/test.sh installs dovecot-imapd and dovecot-pop3d.");
        var root = Directory.CreateTempSubdirectory("triton-dovecot-").FullName;
        // Dovecot's auth and mail processes run as its own users: they must reach the passwd file and the Maildir.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var port = FreePort();
        var server = new DovecotServer(root, port, FreePort());
        foreach (var dir in new[] { "run", "state", Path.Combine(server.Maildir, "cur"), Path.Combine(server.Maildir, "new"), Path.Combine(server.Maildir, "tmp") })
            Directory.CreateDirectory(Path.Combine(root, dir));
        await File.WriteAllTextAsync(Path.Combine(root, "passwd"), $"{User}:{{PLAIN}}{Password}::::::\n");
        // As root the master drops to Debian's dovecot/dovenull users and mail is accessed as dovecot;
        // as anyone else everything runs as that user.
        var (internalUser, loginUser, mailUser) = server._asRoot ? ("dovecot", "dovenull", "dovecot") : (Environment.UserName, Environment.UserName, Environment.UserName);
        await File.WriteAllTextAsync(Path.Combine(root, "dovecot.conf"), $$"""
            base_dir = {{root}}/run
            state_dir = {{root}}/state
            log_path = {{root}}/dovecot.log
            protocols = imap pop3
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain
            first_valid_uid = 1
            default_internal_user = {{internalUser}}
            default_internal_group = {{internalUser}}
            default_login_user = {{loginUser}}
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{root}}/passwd
            }
            userdb {
              driver = static
              args = uid={{mailUser}} gid={{mailUser}} home={{root}}/mail/%u
            }
            mail_location = maildir:{{root}}/mail/%u/Maildir
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service pop3-login {
              inet_listener pop3 {
                address = 127.0.0.1
                port = {{server.Pop3Port}}
              }
              inet_listener pop3s {
                port = 0
              }
            }
            pop3_uidl_format = %08Xu%08Xv
            """);
        await server.OwnMailAsync();
        // In the foreground (-F): the master is this test's child, ended by its id on dispose; a daemon
        // would keep the output pipes open and outlive the test.
        server._master = Process.Start(new ProcessStartInfo(Binary, ["-F", "-c", Path.Combine(root, "dovecot.conf")]) { UseShellExecute = false })!;
        await server.WaitUntilListeningAsync(server.Port);
        await server.WaitUntilListeningAsync(server.Pop3Port);
        return server;
    }

    /// <summary>Delivers a message into the Maildir as an MTA would (written in tmp, moved to new).</summary>
    public async Task DeliverAsync(string name, string message)
    {
        var temporary = Path.Combine(Maildir, "tmp", name);
        await File.WriteAllTextAsync(temporary, message.ReplaceLineEndings("\r\n"));
        await OwnMailAsync();
        File.Move(temporary, Path.Combine(Maildir, "new", name));
    }

    private async Task OwnMailAsync()
    {
        if (_asRoot) await RunAsync("chown", "-R", "dovecot:dovecot", Path.Combine(_root, "mail"));
    }

    private async Task WaitUntilListeningAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) { await Task.Delay(100); }
        }
        throw new InvalidOperationException("Dovecot did not start: " + await File.ReadAllTextAsync(Path.Combine(_root, "dovecot.log")));
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {error}");
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM to this master (by the id it was started with) ends it and its own children.
        if (_master is { HasExited: false } master)
        {
            Process.Start("kill", ["-TERM", master.Id.ToString()])!.WaitForExit();
            await master.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
            if (!master.HasExited) master.Kill();
        }
        _master?.Dispose();
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
