using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Triton.Core.Access;
using Triton.Core.Domain;
using Triton.Tests.Admin;
using Triton.Tests.Api;
using Triton.Tests.Infrastructure;
using Triton.Tests.Mail.TestServers;
using Triton.Tests.Sending;

namespace Triton.Tests.ScaleOut;

/// <summary>
/// Three real Triton processes on one PostgreSQL database, as docs/SCALING.md runs them. One campaign
/// is shared by all three and one of them is killed (SIGKILL) mid-run: the other two finish it, every
/// recipient gets the message, and only the killed process's unrecorded sends can repeat. A schedule
/// fires once in the cluster; a cookie and a stored SMTP password made on one instance work on the others.
/// </summary>
public sealed class ScaleOutTests
{
    private const int Recipients = 20_000;
    private const int ScheduledRecipients = 50;
    private const int Workers = 4;
    private const int ResultBatch = 50;
    private const string AdminEmail = "admin@scale.test";
    private const string AdminPassword = "Scale-Out-Passw0rd!";
    private const string SmtpPassword = "relay-secret";

    // Guards against a hang, not speed checks: the campaign takes seconds on a quiet machine, but on a
    // shared, overloaded 2-core build machine three processes have been seen sending 30 messages/s.
    private const int CampaignSeconds = 900;

    [PostgresFact]
    public async Task Three_instances_share_one_campaign_survive_a_killed_one_and_share_schedules_cookies_and_secrets()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var apiKey = ApiKeySecrets.Generate();
        var settings = new Dictionary<string, string>
        {
            ["Triton__Bootstrap__AdminEmail"] = AdminEmail,
            ["Triton__Bootstrap__AdminPassword"] = AdminPassword,
            ["Triton__Bootstrap__ApiKey"] = apiKey,
            ["Triton__KeyRing__EncryptionKey"] = "scale-out-test-key-ring-secret-0123456789",
            ["Sending__Workers"] = Workers.ToString(),
            ["Sending__ResultBatchSize"] = ResultBatch.ToString(),
            // Short leases so the killed process's jobs come back within seconds, yet with a margin
            // (a quarter of the lease) that a render and a pickup write on a starved machine stay within:
            // with 2 seconds, three processes on an overloaded 2-core machine let live leases lapse mid-send.
            ["Sending__LeaseSeconds"] = "10",
            ["Scheduling__ClusterCheckinSeconds"] = "2",
            // On an overloaded build machine inlining even this small template's CSS has taken over the
            // 5-second default, which pauses the campaign at its start; that limit is not under test here.
            ["Templates__InlineCssTimeoutMilliseconds"] = "60000",
        };
        var instances = new List<Instance>();
        await using var relay = new ScriptedSmtpServer { Username = "mailer", Password = SmtpPassword };
        try
        {
            // The first instance migrates the empty database; the others start together against it.
            instances.Add(Instance.Start(database, settings));
            await TritonProcess.WaitReadyAsync(instances[0].Process, instances[0].Port);
            instances.Add(Instance.Start(database, settings));
            instances.Add(Instance.Start(database, settings));
            await Task.WhenAll(instances.Skip(1).Select(i => TritonProcess.WaitReadyAsync(i.Process, i.Port)));
            var (a, b, c) = (instances[0], instances[1], instances[2]);

            // A cookie issued by one instance is accepted by the others (one key ring in the database).
            var cookies = new CookieContainer();
            using (var signIn = a.Client(cookies))
                Assert.Equal(HttpStatusCode.Redirect, (await AdminFormsTests.SignInAsync(signIn, AdminEmail, AdminPassword, "/")).StatusCode);
            using (var anonymous = b.Client(new CookieContainer()))
                Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/")).StatusCode);
            foreach (var other in new[] { b, c })
            {
                using var signedIn = other.Client(cookies);
                Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/")).StatusCode);
            }

            // A password saved through one instance's API opens the relay from the others.
            int transportId;
            using (var api = a.Api(apiKey))
            {
                var created = await api.PostAsync("/api/transports", Problems.Json(new Dictionary<string, object?>
                {
                    ["name"] = "relay", ["kind"] = "smtp", ["host"] = "127.0.0.1", ["port"] = relay.Port, ["security"] = "none",
                    ["username"] = "mailer", ["password"] = SmtpPassword, ["allowAuthWithoutTls"] = true,
                }));
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                transportId = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();
            }
            foreach (var other in new[] { b, c })
            {
                using var api = other.Api(apiKey);
                var report = await (await api.PostAsync($"/api/transports/{transportId}/test-connection", null)).ReadJsonAsync();
                Assert.True(report.GetProperty("success").GetBoolean(), report.ToString());
                Assert.True(report.GetProperty("authenticated").GetBoolean(), report.ToString());
            }

            // A campaign scheduled through one instance, a few seconds ahead, lands in the shared Quartz store.
            var seed = await EngineScenario.CreateCampaignAsync(database, EngineScenario.Addresses(ScheduledRecipients, "scheduled"), "Scheduled seed");
            int scheduled;
            await using (var db = database.CreateContext())
            {
                var parts = await db.Campaigns.AsNoTracking().SingleAsync(x => x.Id == seed);
                using var api = b.Api(apiKey);
                var response = await api.PostAsync("/api/campaigns", Problems.Json(new Dictionary<string, object?>
                {
                    ["name"] = "Scheduled", ["templateId"] = parts.TemplateId, ["listId"] = parts.ListId, ["transportId"] = parts.TransportId,
                    ["subjects"] = new[] { "Scheduled" }, ["fromAddress"] = "news@triton.test",
                    ["scheduleAt"] = DateTimeOffset.UtcNow.AddSeconds(5),
                }));
                Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
                scheduled = (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
            }
            Assert.Equal(1, await CountAsync(database, $"SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_name = '{scheduled}'"));

            // The big campaign: all three send it; one is killed once it has sent its share.
            var id = await EngineScenario.CreateCampaignAsync(database, EngineScenario.Addresses(Recipients), "Shared", concurrency: 16);
            await using (var db = database.CreateContext())
                await db.Campaigns.Where(x => x.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.State, CampaignState.Pending));
            await TritonProcess.WaitAsync(database, id, x => x.Progress.Sent >= Recipients / 5 && c.Files() > 0, a.Process, CampaignSeconds);
            c.Process.Kill(entireProcessTree: true);
            await c.Process.WaitForExitAsync();
            var atKill = await EngineScenario.CampaignAsync(database, id);
            Assert.True(atKill.Progress.Sent < Recipients, "the kill came after the campaign finished");

            var done = await TritonProcess.WaitAsync(database, id, x => x.State == CampaignState.Finished, a.Process, CampaignSeconds);
            Assert.False(b.Process.HasExited);
            Assert.Equal(Recipients, done.Progress.Plan);
            Assert.Equal(Recipients, done.Progress.Sent);

            var received = instances.Select(i => i.Received("user")).ToList();
            var total = new Dictionary<string, int>();
            foreach (var share in received)
                foreach (var (to, n) in share)
                    total[to] = total.GetValueOrDefault(to) + n;
            Assert.Equal(Recipients, total.Count); // every recipient received it
            Assert.All(received, share => Assert.NotEmpty(share)); // each process sent a share
            // Only the killed process's in-flight messages may repeat (docs/SENDING.md): those its workers
            // were handing over, the results queued for the writer and the batch being written.
            var repeated = total.Values.Sum(n => n - 1);
            var betweenLiveOnes = total.Count(r => r.Value > 1 && !received[2].ContainsKey(r.Key));
            Assert.True(repeated <= Math.Min(Workers + 2 * ResultBatch, received[2].Values.Sum()),
                $"{repeated} repeated messages (bound {Workers + 2 * ResultBatch}); {betweenLiveOnes} recipients repeated by the live instances alone; " +
                $"shares {string.Join(", ", received.Select(r => r.Values.Sum()))}");

            // The schedule fired once, on whichever instance: one run in its history, each recipient once.
            var scheduledDone = await TritonProcess.WaitAsync(database, scheduled, x => x.State == CampaignState.Finished, a.Process, CampaignSeconds);
            Assert.Equal(ScheduledRecipients, scheduledDone.Progress.Sent);
            await using (var db = database.CreateContext())
                Assert.Equal(1, await db.CampaignRuns.CountAsync(r => r.CampaignId == scheduled));
            var scheduledReceived = instances.SelectMany(i => i.Received("scheduled")).GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Sum(r => r.Value));
            Assert.Equal(ScheduledRecipients, scheduledReceived.Count);
            Assert.All(scheduledReceived.Values, n => Assert.Equal(1, n));
        }
        finally
        {
            foreach (var instance in instances) instance.Dispose();
        }
    }

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>One Triton process with its own port and data directory (and so its own pickup folder).</summary>
    private sealed class Instance : IDisposable
    {
        private Instance(Process process, int port, string data) => (Process, Port, Data) = (process, port, data);

        public Process Process { get; }
        public int Port { get; }
        public string Data { get; }
        private string Pickup => Path.Combine(Data, "pickup");

        public static Instance Start(TestDatabase database, IReadOnlyDictionary<string, string> settings)
        {
            var data = Directory.CreateTempSubdirectory("triton-scale-").FullName;
            var port = TritonProcess.FreePort();
            return new Instance(TritonProcess.Start(database, data, settings, port), port, data);
        }

        public HttpClient Client(CookieContainer cookies) =>
            new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{Port}"),
            };

        public HttpClient Api(string key)
        {
            var client = Client(new CookieContainer());
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }

        public int Files() => Directory.Exists(Pickup) ? Directory.EnumerateFiles(Pickup, "*.eml").Count() : 0;

        /// <summary>How many messages each recipient whose address starts with the prefix got from this instance.</summary>
        public Dictionary<string, int> Received(string prefix) =>
            (Directory.Exists(Pickup) ? TritonProcess.Received(Pickup) : [])
            .Where(r => r.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(r => r.Key, r => r.Value);

        public void Dispose()
        {
            try { if (!Process.HasExited) Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            Process.Dispose();
            try { Directory.Delete(Data, recursive: true); } catch (IOException) { }
        }
    }
}
