using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Triton.Core;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Mail.Mime;

namespace Triton.Tests.Mail;

/// <summary>
/// A connection test aimed at something that is not an SMTP server answers one fixed sentence and repeats none of
/// the peer's bytes, so it cannot serve to scan ports or read other services' banners.
/// </summary>
public sealed class NonSmtpPeerTests
{
    private static readonly MailOptions Mail = new() { ConnectTimeout = TimeSpan.FromSeconds(2), ReplyTimeout = TimeSpan.FromSeconds(1) };

    private static TransportConnectionTester Tester()
    {
        var builder = MailParts.SmtpBuilder(Mail);
        var factory = new TransportRegistry(Options.Create(new TritonOptions()), MailParts.Builder(Mail), builder, NullLogger<TransportRegistry>.Instance);
        return new TransportConnectionTester(builder, factory);
    }

    private static Transport Smtp(int port, TransportSecurity security = TransportSecurity.None) =>
        new() { Name = "probe", Kind = TransportKind.Smtp, Host = "127.0.0.1", Port = port, Security = security };

    private static void AssertNotSmtp(TransportConnectionReport report, int port, params string[] banner)
    {
        Assert.False(report.Success);
        Assert.Equal($"127.0.0.1:{port} did not answer as an SMTP server.", report.Error);
        Assert.Null(report.Greeting);
        Assert.Empty(report.Capabilities);
        var shown = JsonSerializer.Serialize(report);
        foreach (var word in banner) Assert.DoesNotContain(word, shown);
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n", "SSH", "OpenSSH", "Debian")]
    [InlineData("HTTP/1.1 400 Bad Request\r\nServer: nginx/1.25.3\r\n\r\n", "HTTP", "nginx")]
    [InlineData("200 news.internal NNTP service ready\r\n", "news.internal", "NNTP")]
    [InlineData("+OK Dovecot ready.\r\n", "Dovecot")]
    public async Task A_service_of_another_protocol_gets_the_fixed_answer_without_its_banner(string banner, params string[] words)
    {
        await using var peer = new BannerPeer(Encoding.ASCII.GetBytes(banner));
        AssertNotSmtp(await Tester().TestAsync(Smtp(peer.Port), CancellationToken.None), peer.Port, words);
    }

    [Fact]
    public async Task Binary_garbage_and_implicit_tls_to_a_non_tls_port_get_the_same_answer()
    {
        var garbage = new byte[8192];
        new Random(7).NextBytes(garbage);
        await using (var peer = new BannerPeer(garbage))
            AssertNotSmtp(await Tester().TestAsync(Smtp(peer.Port), CancellationToken.None), peer.Port);

        await using var ssh = new BannerPeer("SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n"u8.ToArray());
        AssertNotSmtp(await Tester().TestAsync(Smtp(ssh.Port, TransportSecurity.Tls), CancellationToken.None), ssh.Port, "SSH");
    }

    [Fact]
    public async Task A_closed_port_and_a_silent_one_answer_the_same_as_a_foreign_service()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        AssertNotSmtp(await Tester().TestAsync(Smtp(closed), CancellationToken.None), closed);

        await using var silent = new BannerPeer(null);
        AssertNotSmtp(await Tester().TestAsync(Smtp(silent.Port), CancellationToken.None), silent.Port);
    }

    /// <summary>A TCP listener that writes a fixed banner (or nothing) to every connection and keeps it open.</summary>
    private sealed class BannerPeer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public BannerPeer(byte[]? banner)
        {
            _listener.Start();
            _loop = ServeAsync(banner);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        private async Task ServeAsync(byte[]? banner)
        {
            var clients = new List<TcpClient>();
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    clients.Add(client);
                    try
                    {
                        if (banner is not null) await client.GetStream().WriteAsync(banner, _stop.Token);
                    }
                    catch (IOException)
                    {
                        // The client hung up while the banner was still going out.
                    }
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
            finally
            {
                foreach (var client in clients) client.Dispose();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _loop;
            _stop.Dispose();
        }
    }
}
