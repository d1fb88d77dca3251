using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Suppressions;
using Triton.Tests.Sending;

namespace Triton.Tests.Suppressions;

/// <summary>
/// Suppressions in the engine, on each provider: suppressed addresses are Skipped (at enqueue, and
/// when suppressed mid-run at claim time), 5xx bounces are suppressed, and a re-run skips both the
/// unsubscribed (through the real one-click POST) and the bounced, with exact counters.
/// </summary>
public abstract class SuppressionEngineTests(DatabaseProvider provider)
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Triton:PublicUrl"] = "https://triton.test",
        ["Mail:BounceAddress"] = "bounces@triton.test",
    };

    private static void AssertBalanced(Campaign campaign)
    {
        var p = campaign.Progress;
        Assert.Equal(p.Plan, p.Sent + p.Skipped + p.Failed + p.Bounced);
    }

    [Fact]
    public async Task Suppressed_addresses_are_skipped_at_enqueue_and_counted()
    {
        await using var scenario = await EngineScenario.StartAsync(provider, Settings, new ScriptedTransport());
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(50));
        var service = scenario.Services.GetRequiredService<SuppressionService>();
        await service.AddAsync([new SuppressionInput { Email = "USER3@example.test", Reason = "unsubscribed" },
            new SuppressionInput { Email = "user7@example.test", Reason = "complaint" }], "api", default);

        await scenario.Commands.RunAsync(id, default);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);

        Assert.Equal(50, done.Progress.Plan);
        Assert.Equal(48, done.Progress.Sent);
        Assert.Equal(2, done.Progress.Skipped);
        AssertBalanced(done);
        var skipped = (await scenario.DeliveriesAsync(id)).Where(d => d.Status == DeliveryStatus.Skipped).OrderBy(d => d.Email).ToList();
        Assert.Equal(["user3@example.test", "user7@example.test"], skipped.Select(d => d.Email));
        Assert.All(skipped, d => Assert.Equal("Suppressed (api)", d.LastReply));
        Assert.DoesNotContain(scenario.Scripted!.Accepted, m => m.To.Address is "user3@example.test" or "user7@example.test");
    }

    [Fact]
    public async Task An_address_suppressed_after_enqueue_is_skipped_when_claimed()
    {
        // One message at a time, 20 ms each: the whole list is enqueued long before its end is claimed.
        await using var scenario = await EngineScenario.StartAsync(provider, Settings, new ScriptedTransport(TimeSpan.FromMilliseconds(20)));
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(400), concurrency: 1);

        await scenario.Commands.RunAsync(id, default);
        var started = await scenario.WaitForAsync(id, c => c.Progress.Enqueued == 400 && c.Progress.Sent >= 1);
        Assert.True(started.Progress.Sent < 250, "the run went too fast to suppress mid-run");
        await scenario.Services.GetRequiredService<SuppressionService>()
            .AddAsync([new SuppressionInput { Email = "user399@example.test" }], "admin", default);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);

        Assert.Equal(1, done.Progress.Skipped);
        Assert.Equal(399, done.Progress.Sent);
        AssertBalanced(done);
        var late = Assert.Single(await scenario.DeliveriesAsync(id), d => d.Email == "user399@example.test");
        Assert.Equal(DeliveryStatus.Skipped, late.Status);
        Assert.Equal("Suppressed (admin)", late.LastReply);
        Assert.DoesNotContain(scenario.Scripted!.Accepted, m => m.To.Address == "user399@example.test");
    }

    [Fact]
    public async Task A_rerun_skips_the_unsubscribed_and_the_bounced()
    {
        await using var scenario = await EngineScenario.StartAsync(provider, Settings, new ScriptedTransport());
        var addresses = EngineScenario.Addresses(20).Append("bounce1@example.test").Append("bounce2@example.test").ToList();
        var id = await scenario.CreateCampaignAsync(addresses);

        await scenario.Commands.RunAsync(id, default);
        var first = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);
        Assert.Equal(20, first.Progress.Sent);
        Assert.Equal(2, first.Progress.Bounced);
        AssertBalanced(first);

        // The 5xx bounces were suppressed by the result writer.
        await using (var db = scenario.Database.CreateContext())
        {
            var rows = await db.Suppressions.AsNoTracking().OrderBy(s => s.Email).ToListAsync();
            Assert.Equal(["bounce1@example.test", "bounce2@example.test"], rows.Select(r => r.Email));
            Assert.All(rows, r => Assert.Equal(SuppressionReason.HardBounce, r.Reason));
            Assert.All(rows, r => Assert.Equal($"campaign {id}", r.Source));
        }

        // user5 unsubscribes the way a mail client does: the one-click POST to its List-Unsubscribe URL, no cookie.
        var message = scenario.Scripted!.Accepted.Single(m => m.To.Address == "user5@example.test");
        var header = message.Headers.Single(h => h.Key == "List-Unsubscribe").Value;
        Assert.Contains("List-Unsubscribe-Post", message.Headers.Select(h => h.Key));
        var url = new Uri(header[(header.IndexOf('<') + 1)..header.IndexOf('>')]);
        Assert.Equal("triton.test", url.Host);
        using var client = scenario.CreateClient();
        var response = await client.PostAsync(url.PathAndQuery, new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII,
            "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.Equal(CommandStatus.Done, (await scenario.Commands.StopAsync(id, default)).Status);
        var sentBefore = scenario.Scripted.Accepted.Count;
        Assert.Equal(CommandStatus.Done, (await scenario.Commands.RunAsync(id, default)).Status);
        var second = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished && c.Generation == first.Generation + 1);

        Assert.Equal(22, second.Progress.Plan);
        Assert.Equal(19, second.Progress.Sent);
        Assert.Equal(3, second.Progress.Skipped);
        Assert.Equal(0, second.Progress.Bounced);
        AssertBalanced(second);
        var resent = scenario.Scripted.Accepted.Skip(sentBefore).Select(m => m.To.Address).ToList();
        Assert.DoesNotContain("user5@example.test", resent);
        Assert.DoesNotContain(resent, a => a.StartsWith("bounce", StringComparison.Ordinal));
        var skipped = (await scenario.DeliveriesAsync(id))
            .Where(d => d.Generation == second.Generation && d.Status == DeliveryStatus.Skipped).ToList();
        Assert.Equal(3, skipped.Count);
        Assert.Equal($"Suppressed (campaign {id})", skipped.Single(d => d.Email == "user5@example.test").LastReply);
    }
}

public sealed class SqliteSuppressionEngineTests() : SuppressionEngineTests(DatabaseProvider.Sqlite);

[Collection("postgres")]
public sealed class PostgresSuppressionEngineTests() : SuppressionEngineTests(DatabaseProvider.Postgres);
