using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Triton.Tests.Mail.TestServers;

/// <summary>
/// Debian's aiosmtpd as a real SMTP peer in its own process: STARTTLS with a fresh self-signed
/// certificate, AUTH PLAIN/LOGIN only after TLS, each accepted message saved with its envelope.
/// </summary>
public sealed class AiosmtpdServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    public int Port { get; }
    public string Inbox { get; }

    private AiosmtpdServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Inbox = Path.Combine(directory, "inbox");
    }

    public static async Task<AiosmtpdServer> StartAsync(string username, string password)
    {
        var directory = Directory.CreateTempSubdirectory("triton-aiosmtpd-").FullName;
        Directory.CreateDirectory(Path.Combine(directory, "inbox"));
        var (cert, key) = WriteSelfSigned(directory);
        var script = Path.Combine(AppContext.BaseDirectory, "Mail", "TestServers", "aiosmtpd_server.py");
        var start = new ProcessStartInfo("/usr/bin/python3", [script, cert, key, username, password, Path.Combine(directory, "inbox")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("READY ", StringComparison.Ordinal))
        {
            var error = await process.StandardError.ReadToEndAsync(timeout.Token);
            process.Kill();
            throw new InvalidOperationException($"aiosmtpd did not start (is python3-aiosmtpd installed?): {line} {error}");
        }
        return new AiosmtpdServer(process, directory, int.Parse(line["READY ".Length..]));
    }

    /// <summary>What the server accepted: each message's bytes and envelope, in arrival order.</summary>
    public IReadOnlyList<Received> Messages() =>
        Directory.GetFiles(Inbox, "*.json")
            .Select(path => (Number: int.Parse(Path.GetFileNameWithoutExtension(path)), Path: path))
            .OrderBy(f => f.Number)
            .Select(f => new Received(
                JsonSerializer.Deserialize<Envelope>(File.ReadAllText(f.Path), new JsonSerializerOptions(JsonSerializerDefaults.Web))!,
                File.ReadAllBytes(Path.ChangeExtension(f.Path, ".eml"))))
            .ToList();

    private static (string Cert, string Key) WriteSelfSigned(string directory)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    public sealed record Envelope(string From, string[] To, bool Tls, string? User, bool Authenticated);

    public sealed record Received(Envelope Envelope, byte[] Content);
}
