using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Triggers;
using Triton.Tests.Sending;

namespace Triton.Tests.Triggers;

/// <summary>Contracts, triggers, the events API, sending ahead of campaigns and the message log, on a real database.</summary>
public abstract class TransactionalMailTests(DatabaseProvider provider)
{
    private sealed record Setup(EngineScenario Scenario, HttpClient Api, int TemplateId, int TransportId) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Api.Dispose();
            await Scenario.DisposeAsync();
        }
    }

    private async Task<Setup> StartAsync(double ratePerSecond = 0, ScriptedTransport? scripted = null, Dictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>(settings ?? []) { ["Sending:RetryBaseDelaySeconds"] = "0.05" };
        var scenario = await EngineScenario.StartAsync(provider, configuration, scripted);
        var api = scenario.CreateApiClient();
        var template = await Created(await api.PostAsJsonAsync("/api/templates", new
        {
            name = "Reset", body = "<p>{{dc_name}} for {{email}} ({{first_name}}): code {{code}}, {{order.city}}, {{sender}}</p>",
        }));
        var transport = await Created(await api.PostAsJsonAsync("/api/transports", new { name = "Pickup", kind = "pickup", pickupDirectory = "pickup", ratePerSecond }));
        return new Setup(scenario, api, template.GetProperty("id").GetInt32(), transport.GetProperty("id").GetInt32());
    }

    private static async Task<JsonElement> Created(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task CreateContractAndTriggerAsync(Setup setup, bool strict = true, string eventName = "PasswordReset", bool honorSuppressions = false)
    {
        await Created(await setup.Api.PostAsJsonAsync("/api/contracts", new
        {
            name = eventName, strict,
            variables = new object[]
            {
                new { name = "code", testValue = "123456", description = "the reset code" },
                new { name = "order", testValue = new { city = "Oslo" }, required = false },
            },
        }));
        await Created(await setup.Api.PostAsJsonAsync("/api/triggers", new
        {
            name = eventName + " mail", @event = eventName, templateId = setup.TemplateId, transportId = setup.TransportId,
            subjects = new[] { "Your code {{code}}" }, fromAddress = "noreply@example.com", active = true,
            customVariables = new { sender = "Triton", code = "overridden by the event" }, honorSuppressions,
        }));
    }

    private static Task<HttpResponseMessage> PostEventAsync(HttpClient api, string eventName, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{eventName}") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return api.SendAsync(request);
    }

    private static async Task<JsonElement> WaitForMessageAsync(HttpClient api, string messageId, string status, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var message = await api.GetFromJsonAsync<JsonElement>($"/api/messages/{messageId}");
            if (message.GetProperty("status").GetString() == status) return message;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Message {messageId} is {message}");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task An_event_is_sent_through_its_trigger_and_found_in_the_log()
    {
        await using var setup = await StartAsync();
        await CreateContractAndTriggerAsync(setup);

        var response = await PostEventAsync(setup.Api, "PasswordReset", new
        {
            recipient = new { email = "ada@example.com", user_id = "u1", first_name = "Ada" },
            variables = new { code = "987654", order = new { city = "Bergen" } },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("queued", answer.GetProperty("status").GetString());
        var id = answer.GetProperty("messageId").GetString()!;

        var sent = await WaitForMessageAsync(setup.Api, id, "sent");
        Assert.Equal(1, sent.GetProperty("attempts").GetInt32());
        var file = Assert.Single(Directory.GetFiles(setup.Scenario.PickupDirectory, "*.eml"));
        var eml = await File.ReadAllTextAsync(file);
        Assert.Contains("Subject: Your code 987654", eml);
        Assert.Contains("PasswordReset for ada@example.com (Ada): code 987654, Bergen, Triton", eml);

        var log = await setup.Api.GetFromJsonAsync<JsonElement>("/api/messages?email=ada@example.com&event=PasswordReset&status=sent");
        Assert.Equal(id, Assert.Single(log.GetProperty("items").EnumerateArray()).GetProperty("messageId").GetString());
        Assert.Empty((await setup.Api.GetFromJsonAsync<JsonElement>("/api/messages?status=failed")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task In_cron_mode_the_queue_endpoint_sends_transactional_messages_before_campaign_jobs()
    {
        await using var setup = await StartAsync(settings: new() { ["Sending:Workers"] = "0", ["Triton:CronSecret"] = "cron-secret-2" });
        await CreateContractAndTriggerAsync(setup);
        var campaign = await setup.Scenario.CreateCampaignAsync(EngineScenario.Addresses(60));
        await setup.Scenario.Commands.RunAsync(campaign, default);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var response = await PostEventAsync(setup.Api, "PasswordReset", new { recipient = new { email = $"reset{i}@example.com" }, variables = new { code = "1" } });
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageId").GetString()!);
        }
        await Task.Delay(300);
        Assert.Equal("queued", (await setup.Api.GetFromJsonAsync<JsonElement>($"/api/messages/{ids[0]}")).GetProperty("status").GetString());

        using var cron = setup.Scenario.CreateClient();
        cron.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "cron-secret-2");
        var answer = await (await cron.PostAsync("/api/cron/process-email-queue?batchSize=5", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(5, answer.GetProperty("processed").GetInt32());
        Assert.Equal(5, answer.GetProperty("sent").GetInt32());
        foreach (var id in ids) await WaitForMessageAsync(setup.Api, id, "sent", seconds: 1);
        Assert.Equal(2, (await setup.Scenario.CampaignAsync(campaign)).Progress.Sent);
    }

    [Fact]
    public async Task Bad_events_are_refused_before_anything_is_stored()
    {
        await using var setup = await StartAsync();
        await CreateContractAndTriggerAsync(setup);

        var mistyped = await PostEventAsync(setup.Api, "PasswordReset", new { recipient = new { email = "nope" }, variables = new { code = 5, order = new { city = 5 } } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mistyped.StatusCode);
        var errors = (await mistyped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("recipient.email", out _));
        Assert.True(errors.TryGetProperty("variables.code", out _));
        Assert.True(errors.TryGetProperty("variables.order.city", out _));

        var missing = await PostEventAsync(setup.Api, "PasswordReset", new { recipient = new { email = "a@example.com" }, variables = new { } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Contains("variables.code", await missing.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await PostEventAsync(setup.Api, "NoSuchEvent", new { recipient = new { email = "a@example.com" } })).StatusCode);
        var log = await setup.Api.GetFromJsonAsync<JsonElement>("/api/messages");
        Assert.Empty(log.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task One_active_trigger_per_event()
    {
        await using var setup = await StartAsync();
        await CreateContractAndTriggerAsync(setup);
        var second = await setup.Api.PostAsJsonAsync("/api/triggers", new
        {
            name = "Second", @event = "PasswordReset", templateId = setup.TemplateId, transportId = setup.TransportId,
            subjects = new[] { "S" }, fromAddress = "noreply@example.com", active = true,
        });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var inactive = await setup.Api.PostAsJsonAsync("/api/triggers", new
        {
            name = "Second", @event = "PasswordReset", templateId = setup.TemplateId, transportId = setup.TransportId,
            subjects = new[] { "S" }, fromAddress = "noreply@example.com", active = false,
        });
        Assert.Equal(HttpStatusCode.Created, inactive.StatusCode);
        var unknown = await setup.Api.PostAsJsonAsync("/api/triggers", new
        {
            name = "Third", @event = "NoContract", templateId = setup.TemplateId, transportId = setup.TransportId,
            subjects = new[] { "S" }, fromAddress = "noreply@example.com",
        });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("\"event\"", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Contract_and_trigger_changes_apply_to_the_next_event_at_once_and_a_repeated_key_still_gets_its_first_answer()
    {
        await using var setup = await StartAsync();
        await CreateContractAndTriggerAsync(setup);
        var body = new { recipient = new { email = "lin@example.com" }, variables = new { code = "1" } };
        var first = await PostEventAsync(setup.Api, "PasswordReset", body, key: "lin-1");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageId").GetString();

        // The contract now requires a variable the event lacks: refused at once (the intake's kept copy is dropped).
        var contract = (await setup.Api.GetFromJsonAsync<JsonElement>("/api/contracts")).EnumerateArray().Single();
        var required = await setup.Api.PutAsJsonAsync($"/api/contracts/{contract.GetProperty("id").GetInt32()}", new
        {
            name = "PasswordReset", strict = true,
            variables = new object[] { new { name = "code", testValue = "123456" }, new { name = "locale", testValue = "en" } },
        });
        Assert.Equal(HttpStatusCode.OK, required.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await PostEventAsync(setup.Api, "PasswordReset", body)).StatusCode);

        // The trigger deactivated: no trigger handles the event any more, but the key seen before answers its first answer.
        var trigger = (await setup.Api.GetFromJsonAsync<JsonElement>("/api/triggers")).EnumerateArray().Single();
        var inactive = await setup.Api.PutAsJsonAsync($"/api/triggers/{trigger.GetProperty("id").GetInt32()}", new
        {
            name = "PasswordReset mail", @event = "PasswordReset", templateId = setup.TemplateId, transportId = setup.TransportId,
            subjects = new[] { "Your code {{code}}" }, fromAddress = "noreply@example.com", active = false,
        });
        Assert.Equal(HttpStatusCode.OK, inactive.StatusCode);
        var withLocale = new { recipient = new { email = "lin@example.com" }, variables = new { code = "1", locale = "en" } };
        Assert.Equal(HttpStatusCode.NotFound, (await PostEventAsync(setup.Api, "PasswordReset", withLocale)).StatusCode);
        var repeat = await PostEventAsync(setup.Api, "PasswordReset", body, key: "lin-1");
        Assert.Equal(HttpStatusCode.Accepted, repeat.StatusCode);
        Assert.Equal(firstId, (await repeat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task The_same_idempotency_key_answers_the_first_answer_and_sends_once_even_when_calls_race()
    {
        await using var setup = await StartAsync();
        await CreateContractAndTriggerAsync(setup);
        var body = new { recipient = new { email = "grace@example.com" }, variables = new { code = "1" } };

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            var response = await PostEventAsync(setup.Api, "PasswordReset", body, key: "reset-grace-1");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageId").GetString();
        }));
        var id = Assert.Single(answers.Distinct());
        await WaitForMessageAsync(setup.Api, id!, "sent");
        var again = await (await PostEventAsync(setup.Api, "PasswordReset", body, key: "reset-grace-1")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, again.GetProperty("messageId").GetString());
        Assert.Equal("sent", again.GetProperty("status").GetString());
        await Task.Delay(300);
        Assert.Single(Directory.GetFiles(setup.Scenario.PickupDirectory, "*.eml"));
        var other = await (await PostEventAsync(setup.Api, "PasswordReset", body, key: "reset-grace-2")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEqual(id, other.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task Events_stored_together_keep_every_key_to_one_message()
    {
        await using var setup = await StartAsync();
        await CreateContractAndTriggerAsync(setup);
        var intake = setup.Scenario.Services.GetRequiredService<EventIntake>();
        using var body = JsonDocument.Parse("""{"recipient":{"email":"batch@example.com"},"variables":{"code":"7"}}""");

        // 200 concurrent events: five keys repeated 20 times each, and 100 without a key, so batches
        // hold repeats of one key, keys stored by an earlier batch, and rows without keys.
        var calls = Enumerable.Range(0, 200).Select(i => (Key: i < 100 ? $"batch-{i % 5}" : null, Index: i)).OrderBy(c => c.Index % 7).ToList();
        var answers = await Task.WhenAll(calls.Select(c => Task.Run(async () => (c.Key, Result: await intake.PostAsync("PasswordReset", body.RootElement, c.Key, default)))));

        Assert.All(answers, a => Assert.True(a.Result.Status is IntakeStatus.Accepted or IntakeStatus.Replayed, a.Result.ToString()));
        foreach (var group in answers.Where(a => a.Key is not null).GroupBy(a => a.Key))
        {
            Assert.Single(group.Select(a => a.Result.MessageId).Distinct());
            Assert.Single(group, a => a.Result.Status == IntakeStatus.Accepted);
        }
        Assert.Equal(100, answers.Where(a => a.Key is null).Select(a => a.Result.MessageId).Distinct().Count());
        await using var db = await setup.Scenario.Services.GetRequiredService<IDbContextFactory<TritonDbContext>>().CreateDbContextAsync();
        Assert.Equal(105, await db.Messages.CountAsync(m => m.Email == "batch@example.com"));
        var stored = await db.Messages.Where(m => m.Email == "batch@example.com").Select(m => m.MessageId).ToListAsync();
        Assert.Equal(stored.Order(), answers.Select(a => a.Result.MessageId!).Distinct().Order());
    }

    [Fact]
    public async Task A_transactional_message_goes_out_ahead_of_a_running_campaign_on_the_same_transport()
    {
        await using var setup = await StartAsync(ratePerSecond: 20);
        await CreateContractAndTriggerAsync(setup);
        var campaign = await setup.Scenario.CreateCampaignAsync(EngineScenario.Addresses(200), concurrency: 4,
            configure: c => c.TransportId = setup.TransportId);
        await setup.Scenario.Commands.RunAsync(campaign, default);
        await setup.Scenario.WaitForAsync(campaign, c => c.Progress.Sent >= 10);

        var response = await PostEventAsync(setup.Api, "PasswordReset", new { recipient = new { email = "urgent@example.com" }, variables = new { code = "2" } });
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageId").GetString()!;
        await WaitForMessageAsync(setup.Api, id, "sent");

        // 200 recipients at 20/s take ten seconds; the event's message did not wait for them.
        var during = await setup.Scenario.CampaignAsync(campaign);
        Assert.Equal(CampaignState.Running, during.State);
        Assert.True(during.Progress.Sent < 150, $"the message went out only after {during.Progress.Sent} campaign messages");
    }

    [Fact]
    public async Task A_trigger_previews_and_sends_a_test_with_its_contracts_test_values_any_overridden()
    {
        await using var setup = await StartAsync();
        await CreateContractAndTriggerAsync(setup);
        var trigger = (await setup.Api.GetFromJsonAsync<JsonElement>("/api/triggers"))[0].GetProperty("id").GetInt32();

        var preview = await setup.Api.PostAsJsonAsync($"/api/triggers/{trigger}/preview", new { });
        var body = await preview.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Your code 123456", body.GetProperty("subject").GetString());
        Assert.Contains("PasswordReset for test@example.com", body.GetProperty("html").GetString());
        Assert.Contains("Oslo", body.GetProperty("html").GetString());

        var test = await setup.Api.PostAsJsonAsync($"/api/triggers/{trigger}/test", new { email = "qa@example.com", variables = new { code = "override" } });
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        var eml = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(setup.Scenario.PickupDirectory, "*.eml")));
        Assert.Contains("Subject: Your code override", eml);
        Assert.Contains("qa@example.com", eml);
        Assert.Equal(HttpStatusCode.BadRequest, (await setup.Api.PostAsJsonAsync($"/api/triggers/{trigger}/test", new { email = "nope" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await setup.Api.PostAsJsonAsync("/api/triggers/999/preview", new { })).StatusCode);
    }

    [Fact]
    public async Task A_failed_message_can_be_retried_and_a_sent_one_cannot()
    {
        var scripted = new ScriptedTransport { ForceOutcome = SendOutcome.Rejected };
        await using var setup = await StartAsync(scripted: scripted);
        await CreateContractAndTriggerAsync(setup);
        var response = await PostEventAsync(setup.Api, "PasswordReset", new { recipient = new { email = "linus@example.com" }, variables = new { code = "3" } });
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageId").GetString()!;
        var failed = await WaitForMessageAsync(setup.Api, id, "failed");
        Assert.Contains("forced by the test", failed.GetProperty("lastReply").GetString());

        scripted.ForceOutcome = null;
        Assert.Equal(HttpStatusCode.Accepted, (await setup.Api.PostAsync($"/api/messages/{id}/retry", null)).StatusCode);
        await WaitForMessageAsync(setup.Api, id, "sent");
        Assert.Equal(HttpStatusCode.Conflict, (await setup.Api.PostAsync($"/api/messages/{id}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await setup.Api.PostAsync("/api/messages/msg_nope/retry", null)).StatusCode);
    }

    [Fact]
    public async Task The_log_filters_by_time_before_it_pages()
    {
        await using var setup = await StartAsync();
        await CreateContractAndTriggerAsync(setup);
        for (var i = 0; i < 12; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await PostEventAsync(setup.Api, "PasswordReset", new { recipient = new { email = $"t{i}@example.com" }, variables = new { code = "1" } })).StatusCode);
        // One message an hour, the oldest first: the window below holds the 4th to 7th oldest, which
        // are on the second page of the unfiltered log at 3 a page.
        var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var db = await setup.Scenario.Services.GetRequiredService<IDbContextFactory<TritonDbContext>>().CreateDbContextAsync())
        {
            var ids = await db.Messages.OrderBy(m => m.Id).Select(m => m.Id).ToListAsync();
            for (var i = 0; i < ids.Count; i++)
                await db.Messages.Where(m => m.Id == ids[i]).ExecuteUpdateAsync(u => u.SetProperty(m => m.CreatedAt, start.AddHours(i)));
        }
        string Query(DateTimeOffset from, DateTimeOffset to, int page) =>
            $"/api/messages?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}&pageSize=3&page={page}";

        // The start given in another offset (05:00+02:00, 03:00 UTC): the window is 03:00 to 07:00 UTC.
        var from = start.AddHours(3).ToOffset(TimeSpan.FromHours(2));
        var first = await setup.Api.GetFromJsonAsync<JsonElement>(Query(from, start.AddHours(7), 1));
        Assert.Equal(["t6@example.com", "t5@example.com", "t4@example.com"],
            first.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("email").GetString()));
        Assert.True(first.GetProperty("hasMore").GetBoolean());
        var second = await setup.Api.GetFromJsonAsync<JsonElement>(Query(from, start.AddHours(7), 2));
        Assert.Equal(["t3@example.com"], second.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("email").GetString()));
        Assert.False(second.GetProperty("hasMore").GetBoolean());
        // Bounds to the second: the end is excluded, the start included.
        var one = await setup.Api.GetFromJsonAsync<JsonElement>(Query(start.AddHours(11), start.AddHours(11).AddSeconds(1), 1));
        Assert.Equal("t11@example.com", Assert.Single(one.GetProperty("items").EnumerateArray()).GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_hard_bounced_address_is_never_mailed_and_other_suppressions_stop_only_triggers_that_honour_them()
    {
        await using var setup = await StartAsync();
        await CreateContractAndTriggerAsync(setup);
        await CreateContractAndTriggerAsync(setup, eventName: "Digest", honorSuppressions: true);
        Assert.Equal(HttpStatusCode.Created, (await setup.Api.PostAsJsonAsync("/api/suppressions", new { email = "gone@example.com", reason = "hardbounce" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await setup.Api.PostAsJsonAsync("/api/suppressions", new { email = "left@example.com", reason = "unsubscribed" })).StatusCode);

        async Task<JsonElement> SendAsync(string eventName, string email)
        {
            var response = await PostEventAsync(setup.Api, eventName, new { recipient = new { email }, variables = new { code = "1" } });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageId").GetString()!;
            var settled = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var message = await setup.Api.GetFromJsonAsync<JsonElement>($"/api/messages/{id}");
                if (message.GetProperty("status").GetString() != "queued") return message;
                if (DateTime.UtcNow > settled) throw new TimeoutException($"Message {id} is still queued");
                await Task.Delay(25);
            }
        }

        // A password reset reaches the unsubscribed (they asked to leave the newsletters, not their account)...
        var bounced = await SendAsync("PasswordReset", "gone@example.com");
        Assert.Equal("suppressed", bounced.GetProperty("status").GetString());
        Assert.StartsWith("Suppressed: hardbounce", bounced.GetProperty("lastReply").GetString());
        Assert.Equal("sent", (await SendAsync("PasswordReset", "left@example.com")).GetProperty("status").GetString());
        // ...a trigger that honours suppressions does not.
        Assert.Equal("suppressed", (await SendAsync("Digest", "gone@example.com")).GetProperty("status").GetString());
        var unsubscribed = await SendAsync("Digest", "left@example.com");
        Assert.Equal("suppressed", unsubscribed.GetProperty("status").GetString());
        Assert.StartsWith("Suppressed: unsubscribed", unsubscribed.GetProperty("lastReply").GetString());
        Assert.Equal("sent", (await SendAsync("Digest", "stays@example.com")).GetProperty("status").GetString());

        var files = Directory.GetFiles(setup.Scenario.PickupDirectory, "*.eml");
        Assert.Equal(2, files.Length);
        Assert.DoesNotContain(files, f => File.ReadAllText(f).Contains("gone@example.com"));
        var suppressedLog = await setup.Api.GetFromJsonAsync<JsonElement>("/api/messages?status=suppressed");
        Assert.Equal(3, suppressedLog.GetProperty("items").GetArrayLength());
    }
}

public sealed class SqliteTransactionalMailTests() : TransactionalMailTests(DatabaseProvider.Sqlite);

[Collection("postgres")]
public sealed class PostgresTransactionalMailTests() : TransactionalMailTests(DatabaseProvider.Postgres);
