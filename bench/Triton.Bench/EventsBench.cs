using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Triton.Bench;

/// <summary>
/// The events API on the built Triton.Web (child process, SQLite, an SMTP transport to smtp-sink):
/// (1) events accepted per second with a unique Idempotency-Key each, from 16 concurrent clients,
/// beside GET /health at the same concurrency (the host's own ceiling, same run); (2) the time
/// from storing an event to the SMTP server's acceptance (the log's created_at to sent_at, stamped
/// by the server) at a steady 100 events/s while a campaign sends at full speed on the same
/// transport; (3) a log lookup by email with a million messages in the log.
/// </summary>
public static class EventsBench
{
    private const string ApiKey = "bench-api-key-0123456789abcdef0123456789";
    // Concurrent callers (BENCH_EVENT_CLIENTS): each waits for its answer before it posts again, so with few of them
    // the rate measures one event's round trip through the writer turn rather than what the server can take.
    private static readonly int Clients = int.TryParse(Environment.GetEnvironmentVariable("BENCH_EVENT_CLIENTS"), out var clients) && clients > 0 ? clients : 16;

    /// <param name="acceptOnly">Measure (1) only: for comparing two builds of Triton.Web back to back (TRITON_BENCH_WEB_DLL names the other one).</param>
    public static async Task RunAsync(int events, int campaignRecipients, bool acceptOnly = false)
    {
        var dll = WebBench.BuiltServer();
        var data = Directory.CreateTempSubdirectory("triton-bench-events-").FullName;
        var root = new Uri($"http://127.0.0.1:{SmtpSink.FreePort()}");
        using var server = WebBench.StartServer(dll, root, data, new() { ["Triton__Bootstrap__ApiKey"] = ApiKey });
        await using var sink = await SmtpSink.StartAsync();
        try
        {
            using var api = new HttpClient { BaseAddress = root };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            await WebBench.WaitHealthyAsync(api, server);
            var (listId, templateId) = await WebBench.SeedAsync(api, campaignRecipients, data);
            var transportId = await WebBench.PostAsync(api, "/api/transports", new
            {
                name = "Events bench smtp-sink", kind = "smtp", host = "127.0.0.1", port = sink.Port, security = "none", maxConnections = 8,
            });
            await WebBench.PostAsync(api, "/api/contracts", new
            {
                name = "PasswordReset", strict = true,
                variables = new object[] { new { name = "code", testValue = "123456" }, new { name = "first_name", testValue = "Ada" } },
            });
            var resetTemplate = await WebBench.PostAsync(api, "/api/templates", new { name = "Reset", body = "<p>Hello {{first_name}}, your code is {{code}}.</p>" });
            await WebBench.PostAsync(api, "/api/triggers", new
            {
                name = "Reset mail", @event = "PasswordReset", templateId = resetTemplate, transportId,
                subjects = new[] { "Your code {{code}}" }, fromAddress = "noreply@triton.test", active = true,
            });

            // Warm-up, not counted: enough events (and their sending, drained) and health checks for the tiered JIT to
            // finish recompiling the hot paths. After 500 events its thread still took a fifth of the server's CPU.
            await PostEventsAsync(api, 5_000, "warm");
            await WaitQueueEmptyAsync(data);
            await RateAsync(2_000, _ => api.GetAsync("/health"));
            var healthCpu = ServerCpu(server);
            var health = await RateAsync(events, _ => api.GetAsync("/health"));
            var acceptedCpu = ServerCpu(server);
            var sentBefore = await SettledAsync(data);
            var accepted = await RateAsync(events, i => Post(api, i, "acc"));
            var endCpu = ServerCpu(server);
            var sentDuring = await SettledAsync(data) - sentBefore;
            Console.WriteLine($"events accepted (unique Idempotency-Key each, {Clients} clients): {events} in {accepted.Seconds:F2} s = {events / accepted.Seconds:F0}/s");
            Console.WriteLine($"GET /health at the same concurrency (the host's ceiling): {events / health.Seconds:F0}/s");
            // CPU time is steadier than rates on a shared machine; it includes the sending of events accepted meanwhile.
            Console.WriteLine($"Triton.Web CPU per request: event accepted {(endCpu - acceptedCpu).TotalMilliseconds / events:F2} ms, health check {(acceptedCpu - healthCpu).TotalMilliseconds / events:F2} ms");
            Measure.Ratio("events accepted / health checks", events / accepted.Seconds, events / health.Seconds);
            // The CPU above includes the sending meanwhile: how much there was, and what sending costs alone.
            Console.WriteLine($"messages settled (sent or failed) during the accept phase: {sentDuring} ({sentDuring / accepted.Seconds:F0}/s)");
            if (acceptOnly)
            {
                var (drained, drainCpu) = await DrainAsync(server, data, TimeSpan.FromSeconds(10));
                Console.WriteLine($"sending alone, the next 10 s: {drained} messages settled ({drained / 10.0:F0}/s), Triton.Web CPU per message {(drained > 0 ? drainCpu.TotalMilliseconds / drained : 0):F2} ms");
                return;
            }

            // Let the accepted events drain, then measure latency while a campaign sends at full speed.
            await WaitQueueEmptyAsync(data);
            var campaign = await WebBench.CreateCampaignAsync(api, "Events bench campaign", listId, templateId, transportId);
            (await api.PostAsync($"/api/campaigns/{campaign}/run", null)).EnsureSuccessStatusCode();
            await Task.Delay(2000);
            var first = await MaxMessageIdAsync(data);
            var steady = Stopwatch.StartNew();
            const int latencyEvents = 1500;
            for (var i = 0; i < latencyEvents; i++)
            {
                var due = TimeSpan.FromMilliseconds(i * 10.0); // 100 events/s
                if (steady.Elapsed < due) await Task.Delay(due - steady.Elapsed);
                _ = Post(api, i, "lat");
            }
            await WaitQueueEmptyAsync(data);
            var campaignState = JsonDocument.Parse(await api.GetStringAsync($"/api/campaigns/{campaign}")).RootElement;
            var latencies = await LatenciesAsync(data, first);
            Console.WriteLine($"latency stored -> accepted by smtp-sink at 100 events/s during the campaign ({latencies.Count} messages; campaign {campaignState.GetProperty("state")}, sent {campaignState.GetProperty("progress").GetProperty("sent")}): p50 {Measure.Percentile(latencies, 0.50):F1} ms, p99 {Measure.Percentile(latencies, 0.99):F1} ms, max {latencies.Max():F1} ms");

            // A million messages in the log, then look one recipient up through the API.
            await (await api.PostAsync($"/api/campaigns/{campaign}/pause", null)).Content.ReadAsStringAsync();
            await FillLogAsync(data, 1_000_000);
            var lookups = new List<double>();
            for (var i = 0; i < 200; i++)
            {
                var watch = Stopwatch.StartNew();
                var response = await api.GetAsync($"/api/messages?email=log{i * 4999 % 1_000_000}@example.com");
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsStringAsync();
                lookups.Add(watch.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine($"message log lookup by email with 1,000,000 messages (200 lookups): p50 {Measure.Percentile(lookups, 0.50):F1} ms, p95 {Measure.Percentile(lookups, 0.95):F1} ms");
            Console.WriteLine($"Triton.Web peak rss: {Measure.PeakMegabytes(server.Id)} MB");
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static TimeSpan ServerCpu(Process server) => TimeSpan.FromSeconds(WebBench.ServerCpuSeconds(server.Id));

    private static Task<HttpResponseMessage> Post(HttpClient api, int i, string prefix)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/events/PasswordReset")
        {
            Content = JsonContent.Create(new { recipient = new { email = $"{prefix}{i}@example.com" }, variables = new { code = i.ToString(), first_name = "Ada" } }),
        };
        request.Headers.Add("Idempotency-Key", $"{prefix}-{i}");
        return api.SendAsync(request);
    }

    private static async Task PostEventsAsync(HttpClient api, int count, string prefix) => await RateAsync(count, i => Post(api, i, prefix));

    /// <summary>Sends <paramref name="count"/> requests from <see cref="Clients"/> concurrent loops; every answer must be a success.</summary>
    private static async Task<(double Seconds, int Count)> RateAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var response = await send(i);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        })));
        return (watch.Elapsed.TotalSeconds, count);
    }

    private static SqliteConnection Open(string data)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(data, "triton.db")};Default Timeout=60");
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout=60000;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private static async Task WaitQueueEmptyAsync(string data)
    {
        using var connection = Open(data);
        for (var i = 0; i < 1200; i++)
        {
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM messages WHERE status = 0";
            if (Convert.ToInt64(await count.ExecuteScalarAsync()) == 0) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("transactional messages did not drain in two minutes");
    }

    /// <summary>Messages whose result is recorded (no longer queued).</summary>
    private static async Task<long> SettledAsync(string data)
    {
        using var connection = Open(data);
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM messages WHERE status <> 0";
        return Convert.ToInt64(await count.ExecuteScalarAsync());
    }

    /// <summary>Messages settled and the server's CPU over <paramref name="window"/> with no requests: the backlog of accepted events being sent.</summary>
    private static async Task<(long Settled, TimeSpan Cpu)> DrainAsync(Process server, string data, TimeSpan window)
    {
        var before = await SettledAsync(data);
        var cpu = ServerCpu(server);
        await Task.Delay(window);
        var cpuAfter = ServerCpu(server);
        return (await SettledAsync(data) - before, cpuAfter - cpu);
    }

    private static async Task<long> MaxMessageIdAsync(string data)
    {
        using var connection = Open(data);
        using var max = connection.CreateCommand();
        max.CommandText = "SELECT COALESCE(MAX(id), 0) FROM messages";
        return Convert.ToInt64(await max.ExecuteScalarAsync());
    }

    private static async Task<List<double>> LatenciesAsync(string data, long after)
    {
        using var connection = Open(data);
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT created_at, sent_at FROM messages WHERE id > @after AND status = 1";
        read.Parameters.AddWithValue("@after", after);
        var latencies = new List<double>();
        using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            latencies.Add((DateTimeOffset.Parse(reader.GetString(1)) - DateTimeOffset.Parse(reader.GetString(0))).TotalMilliseconds);
        return latencies;
    }

    /// <summary>Raw inserts of sent messages (setup, not measured), as a busy log would hold them.</summary>
    private static async Task FillLogAsync(string data, int count)
    {
        var watch = Stopwatch.StartNew();
        using var connection = Open(data);
        using var trigger = connection.CreateCommand();
        trigger.CommandText = "SELECT MIN(id) FROM triggers";
        var triggerId = Convert.ToInt32(await trigger.ExecuteScalarAsync());
        for (var offset = 0; offset < count; offset += 50_000)
        {
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO messages (message_id, trigger_id, event_name, email, fields, variables, status, attempts, not_before, lease_until, created_at, updated_at, sent_at)
                VALUES (@id, @trigger, 'PasswordReset', @email, '{}', '{}', 1, 1, 0, 0, @now, @now, @now)
                """;
            var id = insert.Parameters.Add("@id", SqliteType.Text);
            var email = insert.Parameters.Add("@email", SqliteType.Text);
            insert.Parameters.AddWithValue("@trigger", triggerId);
            insert.Parameters.AddWithValue("@now", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz"));
            for (var i = offset; i < Math.Min(count, offset + 50_000); i++)
            {
                id.Value = $"msg_log{i:x24}";
                email.Value = $"log{i}@example.com";
                await insert.ExecuteNonQueryAsync();
            }
            transaction.Commit();
        }
        Console.WriteLine($"filled the log with {count:N0} messages in {watch.Elapsed.TotalSeconds:F1} s (setup)");
    }
}
