using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Mail.Mime;
using Triton.Core.Mail.Smtp;
using Triton.Tests.Mail.TestServers;

namespace Triton.Tests.Mail;

/// <summary>Implicit TLS (Security = Tls, port 465 style) against the scripted server wrapped in TLS with a self-signed certificate.</summary>
public sealed class SmtpImplicitTlsTests : IAsyncLifetime
{
    private static readonly MimeMessageBuilder Writer = MailParts.Builder();
    private readonly X509Certificate2 _certificate = SelfSigned();
    private readonly ScriptedSmtpServer _server = new() { Username = "user", Password = "secret" };

    public SmtpImplicitTlsTests() => _server.ImplicitTlsCertificate = _certificate;

    /// <summary>A fresh self-signed server certificate for "localhost", exported and reloaded so its key is usable by SslStream.</summary>
    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    private SmtpTransport Transport(bool acceptSelfSigned) =>
        new(new SmtpClientOptions
            {
                Host = "localhost",
                Port = _server.Port,
                Security = TransportSecurity.Tls,
                Username = "user",
                Password = "secret",
                AcceptSelfSignedCertificate = acceptSelfSigned,
                HeloName = "client.test",
                ConnectTimeout = TimeSpan.FromSeconds(5),
                ReplyTimeout = TimeSpan.FromSeconds(5),
                DataTimeout = TimeSpan.FromSeconds(5),
            },
            new SmtpPoolOptions(1, 100, TimeSpan.FromSeconds(30)), Writer, null, new TransportRateLimiter(0),
            NullLogger<SmtpTransport>.Instance, TimeProvider.System);

    private static OutgoingMessage Message(string id) =>
        new() { From = new("sender@x.test"), To = new("rcpt@x.test"), Subject = "Over TLS", Text = "secret body", MessageId = id };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task Self_signed_certificate_is_accepted_when_allowed_and_the_password_goes_over_tls()
    {
        await using var transport = Transport(acceptSelfSigned: true);
        var first = await transport.SendAsync(Message("1@x.test"), CancellationToken.None);
        var second = await transport.SendAsync(Message("2@x.test"), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, first.Outcome);
        Assert.Equal(SendOutcome.Accepted, second.Outcome);
        // AllowAuthWithoutTls is off, so AUTH was only sent because the session was encrypted; both on one connection.
        Assert.Equal(1, _server.SessionCount);
        Assert.Contains("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes("\0user\0secret")), _server.Transcript(1));
        Assert.Equal(2, _server.Messages.Count);
        Assert.All(_server.Messages, m => Assert.Contains("secret body", Encoding.UTF8.GetString(m.Content)));
    }

    [Fact]
    public async Task Self_signed_certificate_is_refused_when_not_allowed_and_nothing_is_sent()
    {
        await using var transport = Transport(acceptSelfSigned: false);
        var result = await transport.SendAsync(Message("1@x.test"), CancellationToken.None);

        Assert.Equal(SendOutcome.TransportFailure, result.Outcome);
        Assert.Contains("TLS", result.Reply);
        Assert.Contains("AcceptSelfSignedCertificate", result.Reply);
        Assert.Empty(_server.Messages);
        Assert.DoesNotContain("AUTH", _server.Transcript(1));
    }
}
