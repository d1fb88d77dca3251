using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Triton.Bench;

/// <summary>
/// One open admin page held as a real Blazor Server circuit, without a browser: it fetches the
/// prerendered page with the signed-in cookie, takes its component markers and persisted state, starts
/// the circuit on /_blazor as blazor.web.js does (StartCircuit, then UpdateRootComponents), acknowledges
/// every render batch (OnRenderCompleted) and answers every JavaScript call with an empty success, so
/// the server keeps rendering to it as to a browser that applies each batch at once. It never applies
/// a batch: what it costs the server is what an open page costs, not what a browser costs.
/// </summary>
public sealed partial class CircuitClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly HttpClient _user;
    private readonly byte[] _watchedText;
    private long _batches;
    private long _bytes;
    private long _jsCalls;
    private long _batchesWithWatchedText;
    private readonly ConcurrentDictionary<string, int> _jsIdentifiers = new();
    private string? _secret;
    private readonly TaskCompletionSource _firstBatch = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CircuitClient(HubConnection connection, HttpClient user, string watchedText)
    {
        _connection = connection;
        _user = user;
        _watchedText = Encoding.UTF8.GetBytes(watchedText);
        _connection.On<long, byte[]>("JS.RenderBatch", async (id, batch) =>
        {
            Interlocked.Increment(ref _batches);
            _firstBatch.TrySetResult();
            Interlocked.Add(ref _bytes, batch.Length);
            if (batch.AsSpan().IndexOf(_watchedText) >= 0) Interlocked.Increment(ref _batchesWithWatchedText);
            await _connection.SendAsync("OnRenderCompleted", id, null);
        });
        // JS.BeginInvokeJS(asyncHandle, identifier, argsJson, resultType, targetInstanceId, callType):
        // answered as done with no value, as a browser answers a call that returns nothing.
        _connection.On("JS.BeginInvokeJS", [typeof(long), typeof(string), typeof(string), typeof(int), typeof(long), typeof(int)], async (args, _) =>
        {
            Interlocked.Increment(ref _jsCalls);
            // A call on a JavaScript object reference (targetInstanceId > 0) names a member of that object.
            var identifier = (long)args[4]! > 0 ? $"(object).{args[1]}" : (string)args[1]!;
            _jsIdentifiers.AddOrUpdate(identifier, 1, (_, n) => n + 1);
            var handle = (long)args[0]!;
            await _connection.SendAsync("EndInvokeJSFromDotNet", handle, true, $"[{handle},true,null]");
        }, this);
        _connection.On<string>("JS.Error", error => Error ??= error);
        _connection.Closed += error =>
        {
            if (error is not null) Error ??= error.Message;
            return Task.CompletedTask;
        };
    }

    /// <summary>Render batches the server pushed to this page so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long JsCalls => Interlocked.Read(ref _jsCalls);

    /// <summary>The JavaScript functions the server called on this page so far, and how often each.</summary>
    public IReadOnlyDictionary<string, int> JsIdentifiers => new Dictionary<string, int>(_jsIdentifiers);

    /// <summary>Batches that carried the watched text (e.g. a state the page shows), as proof of what was pushed.</summary>
    public long BatchesWithWatchedText => Interlocked.Read(ref _batchesWithWatchedText);

    /// <summary>Milliseconds from the request for the page until its prerendered HTML was read.</summary>
    public double PrerenderMilliseconds { get; private set; }

    /// <summary>Milliseconds from the request for the page until the circuit's first render batch arrived (the page is live).</summary>
    public double LiveMilliseconds { get; private set; }

    /// <summary>The error the server reported, or why the connection closed, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>Opens <paramref name="path"/> as a signed-in user (the cookies of <paramref name="user"/>) and starts its circuit.</summary>
    public static async Task<CircuitClient> OpenAsync(Uri root, CookieContainer cookies, HttpClient user, string path, string watchedText)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var html = await user.GetStringAsync(path);
        var prerender = watch.Elapsed.TotalMilliseconds;
        var markers = Marker().Matches(html).Select(m => m.Groups[1].Value)
            .Where(json => json.Contains("\"descriptor\"", StringComparison.Ordinal)).ToList();
        if (markers.Count == 0) throw new InvalidOperationException($"GET {path} has no interactive server component marker");
        var state = PersistedState().Match(html) is { Success: true } match ? match.Groups[1].Value : "";

        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(root, "/_blazor"), options =>
            {
                options.Cookies = cookies;
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = false;
            });
        builder.Services.RemoveAll<IHubProtocol>();
        builder.Services.AddSingleton(BlazorPack());
        var connection = builder.Build();
        var client = new CircuitClient(connection, user, watchedText);
        await connection.StartAsync();
        client._secret = await connection.InvokeAsync<string?>("StartCircuit", root.ToString(), new Uri(root, path).ToString(), "[]", state)
            ?? throw new InvalidOperationException($"the server refused to start a circuit for {path}: {client.Error}");
        // As blazor.web.js: one "add" per prerendered server component, each its marker as found.
        var operations = markers.Select((json, i) => new Dictionary<string, object>
        {
            ["type"] = "add", ["ssrComponentId"] = i + 1, ["marker"] = JsonSerializer.Deserialize<JsonElement>(json),
        });
        await connection.SendAsync("UpdateRootComponents", JsonSerializer.Serialize(new { batchId = 0, operations }), state);
        await client._firstBatch.Task.WaitAsync(TimeSpan.FromSeconds(60));
        client.PrerenderMilliseconds = prerender;
        client.LiveMilliseconds = watch.Elapsed.TotalMilliseconds;
        return client;
    }

    /// <summary>
    /// The server's own hub protocol (MessagePack named "blazorpack"): the /_blazor hub accepts no other,
    /// and the framework does not make it public, so it is taken from the shared framework the bench runs on.
    /// </summary>
    private static IHubProtocol BlazorPack()
    {
        var type = Type.GetType("Microsoft.AspNetCore.Components.Server.BlazorPack.BlazorPackHubProtocol, Microsoft.AspNetCore.Components.Server", throwOnError: true)!;
        return (IHubProtocol)Activator.CreateInstance(type, nonPublic: true)!;
    }

    [GeneratedRegex("<!--Blazor:(\\{.*?\\})-->", RegexOptions.Singleline)]
    private static partial Regex Marker();

    [GeneratedRegex("<!--Blazor-Server-Component-State:([A-Za-z0-9+/=]+)-->")]
    private static partial Regex PersistedState();

    /// <summary>Closes the page as a browser does on leaving it: the connection, then the disconnect beacon that ends the circuit at once.</summary>
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        if (_secret is null) return;
        using var form = new MultipartFormDataContent { { new StringContent(_secret), "circuitId" } };
        using var response = await _user.PostAsync("/_blazor/disconnect", form);
        // A beacon the server refused leaves the circuit retained, rendering for minutes: the next campaign would pay for it.
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST /_blazor/disconnect: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
