using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Sending;

/// <summary>
/// A transport belongs to the registry that built it: a test message or an edit of the transport
/// while a campaign sends on it neither closes it under the campaign nor lifts its throttle.
/// </summary>
public sealed class SharedTransportTests
{
    [Fact]
    public async Task Test_sends_and_transport_edits_mid_run_keep_the_campaign_at_its_rate_and_lose_nobody()
    {
        // 100 recipients at 20/s take about five seconds. A test send once disposed the shared
        // transport and its rate limiter, and the rest of the campaign went out unthrottled.
        const int recipients = 100;
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite);
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(recipients), ratePerSecond: 20, concurrency: 8);
        var transportId = (await scenario.CampaignAsync(id)).TransportId;
        using var api = scenario.CreateApiClient();

        var watch = Stopwatch.StartNew();
        Assert.True((await api.PostAsync($"/api/campaigns/{id}/run", null)).IsSuccessStatusCode);
        await scenario.WaitForAsync(id, c => c.Progress.Sent >= 10);
        var test = await api.PostAsJsonAsync($"/api/campaigns/{id}/test", new { email = "tester@example.test" });
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        await scenario.WaitForAsync(id, c => c.Progress.Sent >= 30);
        var edit = await api.PutAsJsonAsync($"/api/transports/{transportId}",
            new { name = "Campaign transport (edited)", kind = "pickup", ratePerSecond = 20 });
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/campaigns/{id}/test", new { email = "tester@example.test" })).StatusCode);

        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);
        watch.Stop();

        Assert.Equal(recipients, done.Progress.Sent);
        var received = scenario.PickedUpRecipients().GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(2, received["tester@example.test"]);
        received.Remove("tester@example.test");
        Assert.Equal(recipients, received.Count);
        Assert.All(received.Values, n => Assert.Equal(1, n));
        // 102 messages at 20/s cannot take less than about 4.5 s (one 100 ms burst of two tokens aside);
        // without the throttle the remaining 70 went out in well under a second.
        Assert.True(watch.Elapsed.TotalSeconds >= 4.5, $"the campaign took {watch.Elapsed.TotalSeconds:F1} s: the throttle was lost");
    }

    [Fact]
    public void A_shared_transport_cannot_be_disposed_by_its_users()
    {
        Assert.False(typeof(IAsyncDisposable).IsAssignableFrom(typeof(SharedTransport)));
        Assert.False(typeof(IDisposable).IsAssignableFrom(typeof(SharedTransport)));
        Assert.False(typeof(IAsyncDisposable).IsAssignableFrom(typeof(IMailTransport)));
    }
}
