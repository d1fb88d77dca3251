using System.Net;
using Triton.Tests.Web;

namespace Triton.Bench;

/// <summary>
/// Many SignalR clients of /hubs/progress joined to one campaign, each the test suite's
/// ProgressHubClient (linked from Triton.Tests), on the .NET SignalR client.
/// </summary>
public sealed class HubClients : IAsyncDisposable
{
    private readonly List<ProgressHubClient> _clients = [];

    public static async Task<HubClients> ConnectAsync(Uri root, CookieContainer cookies, int campaignId, int count)
    {
        var hub = new HubClients();
        for (var i = 0; i < count; i++)
        {
            var client = await ProgressHubClient.ConnectAsync(root, cookies);
            hub._clients.Add(client);
            await client.JoinCampaignAsync(campaignId);
        }
        return hub;
    }

    /// <summary>How many progress pushes the clients received, and any the server closed.</summary>
    public string Summary()
    {
        if (_clients.Count == 0) return "none connected";
        var received = _clients.Select(c => c.Received).ToList();
        var closed = _clients.Where(c => c.ClosedBecause is not null).Select(c => c.ClosedBecause).ToList();
        return $"{_clients.Count} connected, progress pushes received per client: min {received.Min()}, max {received.Max()}, total {received.Sum()}"
            + (closed.Count > 0 ? $"; {closed.Count} closed by the server ({closed[0]})" : "");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) await client.DisposeAsync();
    }
}
