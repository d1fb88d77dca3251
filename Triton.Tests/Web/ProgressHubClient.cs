using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Triton.Tests.Web;

/// <summary>
/// A minimal SignalR client speaking the JSON hub protocol over a real WebSocket, signed in with a
/// user's cookie (the .NET SignalR client package is not available here). The tests use it, and the
/// benchmark links this file to connect its many clients.
/// </summary>
internal sealed class ProgressHubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    // Under the server's 30 s client timeout, as the browser client pings.
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonElement> _progress = Channel.CreateUnbounded<JsonElement>();
    private readonly CancellationTokenSource _stop = new();
    // A WebSocket takes one send at a time; pings and invocations take turns.
    private readonly SemaphoreSlim _sending = new(1, 1);
    private Task? _reader;
    private Task? _pinger;
    private int _invocation;
    private long _received;
    private bool _disposed;

    public static async Task<ProgressHubClient> ConnectAsync(Uri baseAddress, CookieContainer cookies)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, UseCookies = true }) { BaseAddress = baseAddress };
        var negotiation = await http.PostAsync("/hubs/progress/negotiate?negotiateVersion=1", null);
        negotiation.EnsureSuccessStatusCode();
        var token = (await negotiation.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connectionToken").GetString();

        var client = new ProgressHubClient();
        client._socket.Options.Cookies = cookies;
        var ws = new UriBuilder(baseAddress) { Scheme = "ws", Path = "/hubs/progress", Query = "id=" + token }.Uri;
        await client._socket.ConnectAsync(ws, CancellationToken.None);
        await client.SendAsync("""{"protocol":"json","version":1}""");
        var handshake = await client.ReceiveRecordsAsync(CancellationToken.None);
        if (handshake.Single() != "{}") throw new InvalidOperationException("Handshake refused: " + handshake.Single());
        client._reader = client.ReadAsync();
        client._pinger = client.PingAsync();
        return client;
    }

    /// <summary>Progress messages pushed by the hub, in order.</summary>
    public ChannelReader<JsonElement> Progress => _progress.Reader;

    /// <summary>How many progress messages the hub has pushed so far.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Why the server closed the connection (a close message's error), or null.</summary>
    public string? ClosedBecause { get; private set; }

    public Task JoinCampaignAsync(int campaignId) =>
        SendAsync(JsonSerializer.Serialize(new { type = 1, target = "JoinCampaign", arguments = new object[] { campaignId }, invocationId = (++_invocation).ToString() }));

    private async Task SendAsync(string message)
    {
        await _sending.WaitAsync();
        try { await _socket.SendAsync(Encoding.UTF8.GetBytes(message + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None); }
        finally { _sending.Release(); }
    }

    private async Task PingAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(PingInterval, _stop.Token);
                if (_socket.State == WebSocketState.Open) await SendAsync("""{"type":6}""");
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException) { }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                foreach (var record in await ReceiveRecordsAsync(_stop.Token))
                {
                    var message = JsonDocument.Parse(record).RootElement;
                    var type = message.GetProperty("type").GetInt32();
                    if (type == 1 && message.GetProperty("target").GetString() == "progress")
                    {
                        Interlocked.Increment(ref _received);
                        _progress.Writer.TryWrite(message.GetProperty("arguments")[0].Clone());
                    }
                    else if (type == 3 && message.TryGetProperty("error", out var error))
                        throw new InvalidOperationException("Hub invocation failed: " + error.GetString());
                    else if (type == 7)
                    {
                        ClosedBecause = message.TryGetProperty("error", out var reason) ? reason.GetString() : "closed without an error";
                        return;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException) { }
        finally
        {
            _progress.Writer.TryComplete();
        }
    }

    private async Task<IReadOnlyList<string>> ReceiveRecordsAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var text = new StringBuilder();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException("closed by the server");
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            if (result.EndOfMessage && text.Length > 0 && text[^1] == RecordSeparator)
                return text.ToString().Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        if (_pinger is not null) await _pinger; // no ping may be sending while the socket closes
        if (_socket.State == WebSocketState.Open)
        {
            try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None); }
            catch (WebSocketException) { }
        }
        if (_reader is not null) await _reader;
        _socket.Dispose();
        _stop.Dispose();
        _sending.Dispose();
    }
}
