using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace Triton.Tests.Web;

/// <summary>
/// A client of /hubs/progress on the .NET SignalR client, signed in with a user's cookie, collecting
/// the progress pushes. The tests use it, and the benchmark links this file to connect its many clients.
/// </summary>
internal sealed class ProgressHubClient : IAsyncDisposable
{
    private const string Path = "/hubs/progress";
    private readonly HubConnection _connection;
    private readonly Channel<JsonElement> _progress = Channel.CreateUnbounded<JsonElement>();
    private long _received;

    private ProgressHubClient(HubConnection connection)
    {
        _connection = connection;
        _connection.On<JsonElement>("progress", message =>
        {
            Interlocked.Increment(ref _received);
            _progress.Writer.TryWrite(message);
        });
        _connection.Closed += error =>
        {
            ClosedBecause = error?.Message;
            _progress.Writer.TryComplete();
            return Task.CompletedTask;
        };
    }

    public static async Task<ProgressHubClient> ConnectAsync(Uri baseAddress, CookieContainer cookies)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, Path), options => options.Cookies = cookies)
            .Build();
        var client = new ProgressHubClient(connection);
        await connection.StartAsync();
        return client;
    }

    /// <summary>Progress messages pushed by the hub, in order.</summary>
    public ChannelReader<JsonElement> Progress => _progress.Reader;

    /// <summary>How many progress messages the hub has pushed so far.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Why the connection closed with an error, or null.</summary>
    public string? ClosedBecause { get; private set; }

    public Task JoinCampaignAsync(int campaignId) => _connection.InvokeAsync("JoinCampaign", campaignId);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
