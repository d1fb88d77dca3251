using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Tests.Mail.TestServers;
using Triton.Tests.Sending;

namespace Triton.Tests.Mail;

/// <summary>
/// A whole campaign through a real SMTP transport row to the fault-injecting server: transient replies on RCPT and
/// after DATA, dropped connections, and permanent 550s. Every deliverable recipient must arrive exactly once.
/// </summary>
public sealed class SmtpCampaignEndToEndTests
{
    private const int Deliverable = 2970;

    private static string Normal(int i) => $"user{i}@example.test";

    [Fact]
    public async Task Campaign_through_a_faulty_smtp_server_delivers_each_recipient_once_and_counts_the_550s_as_bounced()
    {
        await using var server = new ScriptedSmtpServer();
        var firstSeen = new ConcurrentDictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var lastRecipient = new ConcurrentDictionary<int, string>();
        var transientReplies = 0;
        var drops = 0;
        server.OnCommand = (session, line) =>
        {
            if (line.StartsWith("RCPT TO:<", StringComparison.OrdinalIgnoreCase))
            {
                var address = line[(line.IndexOf('<') + 1)..line.IndexOf('>')];
                lastRecipient[session] = address;
                if (address.StartsWith("gone", StringComparison.Ordinal))
                    return new ServerAction.Reply("550 5.1.1 No such user here");
                var attempt = firstSeen.AddOrUpdate(address + "|rcpt", 1, (_, n) => n + 1);
                var index = Index(address);
                if (attempt == 1 && index % 10 == 3)
                {
                    Interlocked.Increment(ref transientReplies);
                    return new ServerAction.Reply("451 4.3.0 Try again later");
                }
                if (attempt == 1 && index % 500 == 77)
                {
                    Interlocked.Increment(ref drops);
                    return new ServerAction.Drop();
                }
                return null;
            }
            if (line == "." && lastRecipient.TryGetValue(session, out var recipient))
            {
                var attempt = firstSeen.AddOrUpdate(recipient + "|data", 1, (_, n) => n + 1);
                var index = Index(recipient);
                if (attempt == 1 && index % 10 == 6)
                {
                    Interlocked.Increment(ref transientReplies);
                    return new ServerAction.Reply("452 4.3.1 Insufficient system storage");
                }
                // The content went over the wire and the connection died before the final reply: the message is not
                // queued here, and the client must not assume it was.
                if (attempt == 1 && index % 700 == 11)
                {
                    Interlocked.Increment(ref drops);
                    return new ServerAction.Drop();
                }
            }
            return null;
        };

        var bounced = Enumerable.Range(0, 20).Select(i => $"gone{i}@gone.test")
            .Concat(Enumerable.Range(0, 10).Select(i => $"gone{i}@dead.test")).ToList();
        var emails = Enumerable.Range(0, Deliverable).Select(Normal).ToList();
        for (var i = 0; i < bounced.Count; i++) emails.Insert(i * 97 + 5, bounced[i]);

        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite,
            new() { ["Sending:RetryBaseDelaySeconds"] = "0.05", ["Sending:Workers"] = "4" });
        var id = await scenario.CreateCampaignAsync(emails, concurrency: 8, transport: EngineScenario.Smtp(server.Port, maxConnections: 4));

        await scenario.Commands.RunAsync(id, default);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished, seconds: 240);

        Assert.Equal(3000, done.Progress.Plan);
        Assert.Equal(Deliverable, done.Progress.Sent);
        Assert.Equal(30, done.Progress.Bounced);
        Assert.Equal(0, done.Progress.Failed);
        Assert.Equal(done.Progress.Plan, done.Progress.Sent + done.Progress.Bounced + done.Progress.Failed);
        Assert.True(transientReplies >= 500, $"only {transientReplies} transient replies were given");
        Assert.True(drops >= 8, $"only {drops} connections were dropped");

        // What the server accepted: one message per deliverable recipient, envelope and header agreeing.
        var received = server.Messages.ToList();
        var envelope = received.Select(m => Assert.Single(m.Recipients)).ToList();
        Assert.Equal(Deliverable, envelope.Count);
        Assert.Equal(Enumerable.Range(0, Deliverable).Select(Normal).Order(), envelope.Order());
        foreach (var message in received)
        {
            var text = Encoding.UTF8.GetString(message.Content);
            var to = text.Split("\r\n").First(l => l.StartsWith("To:", StringComparison.Ordinal))[3..].Trim().Trim('<', '>');
            Assert.Equal(message.Recipients[0], to);
            Assert.Equal("news@triton.test", message.From);
            Assert.Contains("welcome", text);
        }

        var deliveries = await scenario.DeliveriesAsync(id);
        Assert.All(deliveries.Where(d => d.Email.Contains("gone")), d => Assert.Equal((DeliveryStatus.Bounced, 550), (d.Status, d.ReplyCode ?? 0)));
        Assert.All(deliveries.Where(d => !d.Email.Contains("gone")), d => Assert.Equal(DeliveryStatus.Sent, d.Status));

        using var client = scenario.CreateApiClient();
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
        var failures = view.GetProperty("failures");
        var code = Assert.Single(failures.GetProperty("byReplyCode").EnumerateArray());
        Assert.Equal((550, 30L), (code.GetProperty("code").GetInt32(), code.GetProperty("count").GetInt64()));
        var domains = failures.GetProperty("byDomain").EnumerateArray()
            .Select(d => (d.GetProperty("domain").GetString(), d.GetProperty("count").GetInt64())).ToList();
        Assert.Equal([("gone.test", 20L), ("dead.test", 10L)], domains);
    }

    private static int Index(string address) =>
        int.Parse(address.AsSpan(4, address.IndexOf('@') - 4));
}
