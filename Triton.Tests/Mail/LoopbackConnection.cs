using System.Net;
using System.Net.Sockets;

namespace Triton.Tests.Mail;

/// <summary>
/// A real loopback TCP connection for the SMTP stream tests: the client's socket (NoDelay, as SmtpSession opens it),
/// which the stream under test takes and disposes, and the peer's socket with a way to read exactly what arrived.
/// </summary>
internal sealed class LoopbackConnection : IDisposable
{
    private readonly TcpListener _listener;

    private LoopbackConnection(TcpListener listener, Socket client, Socket peer) => (_listener, Client, Peer) = (listener, client, peer);

    public Socket Client { get; }
    public Socket Peer { get; }

    public static async Task<LoopbackConnection> OpenAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptSocketAsync();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        return new LoopbackConnection(listener, client, await accept);
    }

    /// <summary>Exactly <paramref name="count"/> bytes as the peer received them; fails when the connection closes first.</summary>
    public async Task<byte[]> ReceiveAsync(int count)
    {
        var received = new byte[count];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (var at = 0; at < count;)
        {
            var read = await Peer.ReceiveAsync(received.AsMemory(at), SocketFlags.None, timeout.Token);
            if (read == 0) throw new IOException("the stream closed early");
            at += read;
        }
        return received;
    }

    public void Dispose()
    {
        Peer.Dispose();
        _listener.Stop();
    }
}
