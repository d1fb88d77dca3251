using System.Collections.Concurrent;
using System.Diagnostics;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Tests.Mail.TestServers;
using Triton.Tests.Sending;

namespace Triton.Tests.Mail;

/// <summary>The per-transport sliding-window quota, on its own and shared by two campaigns on one SMTP transport row.</summary>
public sealed class TransportWindowQuotaTests
{
    /// <summary>The most events inside any span of the given length.</summary>
    private static int Busiest(IEnumerable<TimeSpan> times, TimeSpan span)
    {
        var sorted = times.Order().ToList();
        var most = 0;
        for (int start = 0, end = 0; start < sorted.Count; start++)
        {
            while (end < sorted.Count && sorted[end] - sorted[start] < span) end++;
            most = Math.Max(most, end - start);
        }
        return most;
    }

    [Fact]
    public async Task Window_lets_a_burst_through_then_holds_the_rest_until_permits_age_out()
    {
        await using var limiter = new TransportRateLimiter(0, windowMessages: 10, windowSeconds: 1);
        var clock = Stopwatch.StartNew();
        var times = new ConcurrentBag<TimeSpan>();
        await Task.WhenAll(Enumerable.Range(0, 25).Select(async _ =>
        {
            await limiter.WaitAsync(CancellationToken.None);
            times.Add(clock.Elapsed);
        }));

        var sorted = times.Order().ToList();
        Assert.True(sorted[9] < TimeSpan.FromMilliseconds(500), $"the first ten waited {sorted[9]}");
        Assert.True(sorted[10] > TimeSpan.FromMilliseconds(600), $"the eleventh passed at {sorted[10]}");
        Assert.True(sorted[20] > TimeSpan.FromMilliseconds(1400), $"the twenty-first passed at {sorted[20]}");
        // Permits come back per segment (a quarter of the window), so any three quarters of a window hold at most ten.
        Assert.True(Busiest(sorted, TimeSpan.FromMilliseconds(700)) <= 10);
    }

    [Fact]
    public async Task Quota_is_shared_by_every_campaign_on_the_transport()
    {
        await using var server = new ScriptedSmtpServer();
        var clock = Stopwatch.StartNew();
        var accepted = new ConcurrentBag<TimeSpan>();
        server.OnCommand = (_, line) =>
        {
            if (line.StartsWith("MAIL FROM:", StringComparison.Ordinal)) accepted.Add(clock.Elapsed);
            return null;
        };
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite);
        var first = await scenario.CreateCampaignAsync(EngineScenario.Addresses(30, "a"), "First", transport: t =>
        {
            EngineScenario.Smtp(server.Port)(t);
            t.WindowMessages = 20;
            t.WindowSeconds = 1;
        });
        var transportId = (await scenario.CampaignAsync(first)).TransportId;
        var second = await scenario.CreateCampaignAsync(EngineScenario.Addresses(30, "b"), "Second", configure: c => c.TransportId = transportId);

        clock.Restart();
        await scenario.Commands.RunAsync(first, default);
        await scenario.Commands.RunAsync(second, default);
        await scenario.WaitForAsync(first, c => c.State == CampaignState.Finished);
        await scenario.WaitForAsync(second, c => c.State == CampaignState.Finished);

        Assert.Equal(60, server.Messages.Count);
        Assert.Equal(30, (await scenario.CampaignAsync(first)).Progress.Sent);
        Assert.Equal(30, (await scenario.CampaignAsync(second)).Progress.Sent);
        // Sixty messages under twenty a second, shared: the 21st waits for the first window's permits to come back, the
        // 41st for the second's (two transports' quotas would have let forty through at once). Timed at the server from
        // Run: a message that reached it late only arrives later, so a loaded machine cannot make these pass or fail.
        var times = accepted.Order().ToList();
        Assert.True(times[20] > TimeSpan.FromMilliseconds(600), $"the 21st message arrived at {times[20]}");
        Assert.True(times[40] > TimeSpan.FromMilliseconds(1400), $"the 41st message arrived at {times[40]}");
    }
}
