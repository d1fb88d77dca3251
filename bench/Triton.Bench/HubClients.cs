using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Triton.Bench;

/// <summary>
/// SignalR clients of /hubs/progress speaking the JSON hub protocol over ClientWebSocket (the .NET
/// SignalR client is not available here): negotiate, handshake, JoinCampaign, then read every push
/// and ping the server so it keeps the connection.
/// </summary>
public sealed class HubClients : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private readonly List<ClientWebSocket> _sockets = [];
    private readonly List<Task> _readers = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly long[] _pushes;
    private readonly Task _pinger;

    private HubClients(int count)
    {
        _pushes = new long[count];
        _pinger = Task.Run(PingAsync);
    }

    public static async Task<HubClients> ConnectAsync(Uri root, CookieContainer cookies, int campaignId, int count)
    {
        var clients = new HubClients(count);
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = root };
        for (var i = 0; i < count; i++)
        {
            var negotiate = await http.PostAsync("/hubs/progress/negotiate?negotiateVersion=1", null);
            var body = await negotiate.Content.ReadAsStringAsync();
            if (!negotiate.IsSuccessStatusCode) throw new InvalidOperationException($"negotiate: {(int)negotiate.StatusCode} {body}");
            using var document = JsonDocument.Parse(body);
            var token = document.RootElement.GetProperty("connectionToken").GetString();

            var socket = new ClientWebSocket();
            socket.Options.Cookies = cookies;
            await socket.ConnectAsync(new Uri($"ws://{root.Authority}/hubs/progress?id={Uri.EscapeDataString(token!)}"), CancellationToken.None);
            await SendAsync(socket, """{"protocol":"json","version":1}""");
            var handshake = await ReceiveAsync(socket, CancellationToken.None);
            if (handshake.TrimEnd(Separator) != "{}") throw new InvalidOperationException($"hub handshake refused: {handshake}");
            await SendAsync(socket, $$"""{"type":1,"target":"JoinCampaign","arguments":[{{campaignId}}]}""");
            clients._sockets.Add(socket);
            var index = i;
            clients._readers.Add(Task.Run(() => clients.ReadAsync(socket, index)));
        }
        return clients;
    }

    /// <summary>How many progress pushes the clients received.</summary>
    public string Summary() => _pushes.Length == 0
        ? "none connected"
        : $"{_pushes.Length} connected, progress pushes received per client: min {_pushes.Min()}, max {_pushes.Max()}, total {_pushes.Sum()}";

    private async Task ReadAsync(ClientWebSocket socket, int index)
    {
        try
        {
            while (!_stop.IsCancellationRequested && socket.State == WebSocketState.Open)
            {
                var text = await ReceiveAsync(socket, _stop.Token);
                foreach (var message in text.Split(Separator, StringSplitOptions.RemoveEmptyEntries))
                    if (message.Contains("\"target\":\"progress\"")) Interlocked.Increment(ref _pushes[index]);
                    else if (message.Contains("\"type\":7")) Console.WriteLine($"  hub closed client {index}: {message}");
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException exception) when (!_stop.IsCancellationRequested)
        {
            Console.WriteLine($"  hub client {index} lost its connection: {exception.Message}");
        }
        catch (WebSocketException) { }
    }

    private async Task PingAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), _stop.Token);
                foreach (var socket in _sockets.ToArray())
                    if (socket.State == WebSocketState.Open) await SendAsync(socket, """{"type":6}""");
            }
        }
        catch (OperationCanceledException) { }
    }

    private static Task SendAsync(ClientWebSocket socket, string message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message + Separator), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<string> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) return "";
            message.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        return Encoding.UTF8.GetString(message.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _pinger;
        foreach (var socket in _sockets)
        {
            try { await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None); }
            catch (WebSocketException) { }
            socket.Dispose();
        }
        await Task.WhenAll(_readers);
        _stop.Dispose();
    }
}
