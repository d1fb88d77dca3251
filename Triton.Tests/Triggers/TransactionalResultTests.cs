using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Triggers;
using Triton.Tests.Sending;

namespace Triton.Tests.Triggers;

/// <summary>
/// Transactional results are recorded in batches (<see cref="MessageResultWriter"/>): every result
/// goes into the message log exactly once, with its status, attempts, tracking send and suppression,
/// when many messages finish at once and when the database refuses a batch for a while.
/// </summary>
public abstract class TransactionalResultTests(DatabaseProvider provider)
{
    private static async Task<int> CreatedIdAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt32();
    }

    /// <summary>A contract and an active trigger for "Reset" through a pickup transport row (the scripted transport sends).</summary>
    private static async Task<int> CreateTriggerAsync(HttpClient api)
    {
        var template = await CreatedIdAsync(await api.PostAsJsonAsync("/api/templates", new { name = "Reset", body = "<p>Code {{code}}</p>" }));
        var transport = await CreatedIdAsync(await api.PostAsJsonAsync("/api/transports", new { name = "Pickup", kind = "pickup", pickupDirectory = "pickup" }));
        await CreatedIdAsync(await api.PostAsJsonAsync("/api/contracts", new { name = "Reset", variables = new object[] { new { name = "code", testValue = "1" } } }));
        return await CreatedIdAsync(await api.PostAsJsonAsync("/api/triggers", new
        {
            name = "Reset mail", @event = "Reset", templateId = template, transportId = transport, subjects = new[] { "Code {{code}}" },
            fromAddress = "noreply@example.com", active = true,
        }));
    }

    private static async Task<List<IntakeResult>> PostAsync(EngineScenario scenario, IEnumerable<string> emails)
    {
        var intake = scenario.Services.GetRequiredService<EventIntake>();
        var answers = await Task.WhenAll(emails.Select(email => Task.Run(async () =>
        {
            var body = JsonSerializer.SerializeToElement(new { recipient = new { email }, variables = new { code = "7" } });
            return await intake.PostAsync("Reset", body, null, default);
        })));
        Assert.All(answers, a => Assert.Equal(IntakeStatus.Accepted, a.Status));
        return [.. answers];
    }

    private static async Task<List<TransactionalMessage>> WaitUntilSettledAsync(EngineScenario scenario, int count, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            await using var db = scenario.Database.CreateContext();
            var messages = await db.Messages.AsNoTracking().ToListAsync();
            if (messages.Count == count && messages.All(m => m.Status != MessageStatus.Queued)) return messages;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{messages.Count(m => m.Status == MessageStatus.Queued)} of {messages.Count} messages still queued");
            await Task.Delay(50);
        }
    }

    private static async Task<long> TrackedSendsAsync(EngineScenario scenario, int trigger)
    {
        await using var db = scenario.Database.CreateContext();
        return await db.TrackedSourceDays.Where(d => d.SourceKind == TrackedSource.Trigger && d.SourceId == trigger).SumAsync(d => d.Sent);
    }

    [Fact]
    public async Task Many_messages_finishing_at_once_are_each_recorded_once_with_their_status_attempts_sends_and_suppressions()
    {
        var scripted = new ScriptedTransport();
        await using var scenario = await EngineScenario.StartAsync(provider, new() { ["Sending:Workers"] = "8" }, scripted);
        using var api = scenario.CreateApiClient();
        var trigger = await CreateTriggerAsync(api);

        // 400 at once: accepted, accepted on the second attempt, bounced, refused.
        var emails = Enumerable.Range(0, 400).Select(i => (i % 4) switch
        {
            0 => $"user{i}@example.com",
            1 => $"transient1-{i}@example.com",
            2 => $"bounce{i}@example.com",
            _ => $"reject{i}@example.com",
        }).ToList();
        await PostAsync(scenario, emails);
        var messages = await WaitUntilSettledAsync(scenario, 400);

        foreach (var m in messages)
        {
            var (status, attempts) = m.Email switch
            {
                var e when e.StartsWith("user") => (MessageStatus.Sent, 1),
                var e when e.StartsWith("transient") => (MessageStatus.Sent, 2),
                var e when e.StartsWith("bounce") => (MessageStatus.Bounced, 1),
                _ => (MessageStatus.Failed, 1),
            };
            Assert.True(m.Status == status && m.Attempts == attempts, $"{m.Email}: {m.Status} after {m.Attempts} attempts");
            Assert.Null(m.LeaseOwner);
            Assert.Equal(status == MessageStatus.Sent, m.SentAt is not null);
        }
        Assert.Equal(200, scripted.Accepted.Count);
        Assert.Equal(200, scripted.Accepted.Select(a => a.To.Address).Distinct().Count());
        Assert.Equal(200, await TrackedSendsAsync(scenario, trigger));
        await using var db = scenario.Database.CreateContext();
        Assert.Equal(100, await db.Suppressions.CountAsync(s => s.Email.StartsWith("bounce") && s.Reason == SuppressionReason.HardBounce));
    }

    [Fact]
    public async Task Results_the_database_refuses_are_kept_and_recorded_once_it_accepts_them()
    {
        var scripted = new ScriptedTransport();
        await using var scenario = await EngineScenario.StartAsync(provider, new() { ["Sending:Workers"] = "4" }, scripted);
        using var api = scenario.CreateApiClient();
        var trigger = await CreateTriggerAsync(api);
        await using (var db = scenario.Database.CreateContext())
            await db.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.Sqlite
                ? "CREATE TRIGGER refuse_results BEFORE UPDATE OF status ON messages WHEN NEW.status <> 0 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                : """
                  CREATE FUNCTION refuse_results() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql;
                  CREATE TRIGGER refuse_results BEFORE UPDATE ON messages FOR EACH ROW WHEN (NEW.status <> 0) EXECUTE FUNCTION refuse_results();
                  """);

        await PostAsync(scenario, Enumerable.Range(0, 12).Select(i => $"held{i}@example.com"));
        // The four workers send one message each, then wait for their refused results: nothing more goes out.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (scripted.Accepted.Count < 4 && DateTime.UtcNow < deadline) await Task.Delay(25);
        await Task.Delay(500);
        Assert.Equal(4, scripted.Accepted.Count);
        await using (var db = scenario.Database.CreateContext())
        {
            Assert.Equal(12, await db.Messages.CountAsync(m => m.Status == MessageStatus.Queued && m.Attempts == 0));
            // Leased: the four being recorded, and at most as many again waiting for a worker.
            Assert.InRange(await db.Messages.CountAsync(m => m.LeaseOwner != null), 4, 8);
            await db.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.Sqlite ? "DROP TRIGGER refuse_results" : "DROP TRIGGER refuse_results ON messages");
        }

        var messages = await WaitUntilSettledAsync(scenario, 12);
        Assert.All(messages, m => Assert.True(m.Status == MessageStatus.Sent && m.Attempts == 1, $"{m.Email}: {m.Status} after {m.Attempts} attempts"));
        Assert.Equal(12, scripted.Accepted.Count);
        Assert.Equal(12, scripted.Accepted.Select(a => a.To.Address).Distinct().Count());
        Assert.Equal(12, await TrackedSendsAsync(scenario, trigger));
    }
}

public sealed class SqliteTransactionalResultTests() : TransactionalResultTests(DatabaseProvider.Sqlite);

[Collection("postgres")]
public sealed class PostgresTransactionalResultTests() : TransactionalResultTests(DatabaseProvider.Postgres);
