using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Triton.Bench;

/// <summary>
/// Open tracking on the built Triton.Web (child process, SQLite): (1) opens per second, as HTTP
/// requests for real pixel URLs (harvested from the .eml files of a tracked campaign sent through the
/// pickup transport) from concurrent clients, and the rate at which the writer has them in the
/// database, beside GET /health at the same concurrency (the host's ceiling, same run); (2) the send
/// rate of a tracked campaign to smtp-sink at full speed, alone, during a burst of requests whose
/// tokens do not open (the HTTP's cost alone, nothing recorded) and during a burst of opens.
/// </summary>
public static partial class OpensBench
{
    private const string ApiKey = "bench-api-key-0123456789abcdef0123456789";
    private const int Clients = 32;
    private const int Tokens = 2_000;

    public static async Task RunAsync(int opens, int burst, int campaignRecipients)
    {
        var dll = WebBench.BuiltServer();
        var data = Directory.CreateTempSubdirectory("triton-bench-opens-").FullName;
        var root = new Uri($"http://127.0.0.1:{SmtpSink.FreePort()}");
        var batches = new WriterBatches();
        using var server = WebBench.StartServer(dll, root, data, new()
        {
            ["Triton__Bootstrap__ApiKey"] = ApiKey,
            ["Triton__PublicUrl"] = root.ToString().TrimEnd('/'),
            // One load generator is one client address: the per-address limit would measure itself.
            ["Tracking__RequestsPerSecondPerAddress"] = "0",
            // Each batch's duration, read below for the writer's own rate.
            ["Logging__LogLevel__Triton.Core.Tracking.TrackingWriter"] = "Debug",
        }, batches.Observe);
        await using var sink = await SmtpSink.StartAsync();
        try
        {
            using var api = new HttpClient { BaseAddress = root };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            await WebBench.WaitHealthyAsync(api, server, TimeSpan.FromMinutes(5));
            var (bigList, template) = await WebBench.SeedAsync(api, campaignRecipients, data);
            var category = await WebBench.PostAsync(api, "/api/categories", new { name = "Bench opens" });

            // Real tokens: a tracked campaign of Tokens recipients through the pickup transport.
            var smallList = await WebBench.PostAsync(api, "/api/lists", new { name = "Opens bench small list", columns = Newsletter.Columns });
            foreach (var chunk in Enumerable.Range(0, Tokens).Chunk(500))
            {
                var rows = chunk.Select(i => new Dictionary<string, string> { ["email"] = $"open{i}@example.test", ["user_id"] = $"o{i}", ["first_name"] = "Ada" });
                (await api.PostAsync($"/api/lists/{smallList}/recipients", JsonContent(rows))).EnsureSuccessStatusCode();
            }
            var pickup = await WebBench.PostAsync(api, "/api/transports", new { name = "Opens bench pickup", kind = "pickup", pickupDirectory = "pickup" });
            var tokensCampaign = await CreateCampaignAsync(api, "Opens bench tokens", smallList, template, pickup, category);
            await RunToEndAsync(api, tokensCampaign);
            var pixels = Directory.EnumerateFiles(Path.Combine(data, "pickup"), "*.eml")
                .Select(f => PixelPattern().Match(MimeKit.MimeMessage.Load(f).HtmlBody ?? "")).Where(m => m.Success).Select(m => new Uri(m.Value).PathAndQuery).ToArray();
            if (pixels.Length == 0) throw new InvalidOperationException("no pixel found in the sent messages");
            Console.WriteLine($"harvested {pixels.Length} pixel URLs from the tracked campaign's .eml files, e.g. {pixels[0].Length} characters of path");

            // A plain load generator: no cookies, proxy lookup or trace headers, so its own CPU (on the
            // same cores as the server) goes to sending requests and reading answers.
            using var load = LoadClient(root);
            load.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Thunderbird/128.0");
            using var apiLoad = LoadClient(root);
            apiLoad.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            // JIT and connection warm-up, long enough for the tiered JIT to have recompiled the hot paths
            // (with 2,000 pixels, a quarter of the server's CPU in the opens phase was the JIT's own thread).
            await RateAsync(20_000, i => load.GetAsync(pixels[i % pixels.Length]));
            await RateAsync(5_000, _ => load.GetAsync("/health"));
            await RateAsync(2_000, _ => apiLoad.GetAsync($"/api/categories/{category}"));
            await WaitRecordedAsync(data, 20_000, TimeSpan.FromSeconds(120));
            await Task.Delay(TimeSpan.FromSeconds(2));
            // The host's ceiling and a generic API request (API key, one query), fewer of them than opens: per request is what counts.
            var checks = Math.Min(opens, 10_000);
            var health = await CpuAsync(server, () => RateAsync(checks, _ => load.GetAsync("/health")));
            var apiRead = await CpuAsync(server, () => RateAsync(checks, _ => apiLoad.GetAsync($"/api/categories/{category}")));
            var before = await RecordedAsync(data);
            batches.Reset();
            Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} opens phase: {opens} pixel requests");
            var watch = Stopwatch.StartNew();
            var opened = await CpuAsync(server, () => RateAsync(opens, i => load.GetAsync(pixels[i % pixels.Length])));
            var answered = opened.Seconds;
            await WaitRecordedAsync(data, before + opens, TimeSpan.FromMinutes(5));
            var recorded = watch.Elapsed.TotalSeconds;
            Console.WriteLine($"opens answered (GIF, {Clients} clients): {opens} in {answered:F2} s = {opens / answered:F0}/s");
            Console.WriteLine($"opens recorded in the database (request start to the last batch committed): {opens / recorded:F0}/s");
            var (events, busy) = batches.Take();
            Console.WriteLine($"tracking writer: {events} events in {busy:F2} s of its transactions (turn waits included) = {events / busy:F0}/s of writer time");
            Console.WriteLine($"GET /health at the same concurrency (the host's ceiling): {checks / health.Seconds:F0}/s; GET /api/categories/{{id}} with an API key: {checks / apiRead.Seconds:F0}/s");
            // CPU time is steadier than rates on a shared machine. The opens' server CPU includes the writer's batches meanwhile.
            Console.WriteLine($"CPU per request, Triton.Web / this load generator: open {opened.ServerMs(opens):F3} / {opened.ClientMs(opens):F3} ms, "
                + $"health {health.ServerMs(checks):F3} / {health.ClientMs(checks):F3} ms, API read {apiRead.ServerMs(checks):F3} / {apiRead.ClientMs(checks):F3} ms; "
                + $"load generator's share of the two processes' CPU during the opens: {opened.ClientShare:P0}");
            Measure.Ratio("opens answered / health checks", opens / answered, checks / health.Seconds);

            // A campaign at full speed, alone and during a burst of opens.
            var transport = await WebBench.PostAsync(api, "/api/transports", new
            {
                name = "Opens bench smtp-sink", kind = "smtp", host = "127.0.0.1", port = sink.Port, security = "none", maxConnections = 8,
            });
            var campaign = await CreateCampaignAsync(api, "Opens bench campaign", bigList, template, transport, category);
            (await api.PostAsync($"/api/campaigns/{campaign}/run", null)).EnsureSuccessStatusCode();
            // Past the start (JIT, connections): the first seconds of a run send slower than the rest.
            await Task.Delay(TimeSpan.FromSeconds(10));
            var alone1 = await SendRateAsync(api, campaign, () => Task.Delay(TimeSpan.FromSeconds(8)));
            // The peer in the same run: the same burst of requests with tokens that do not open (one
            // character changed), so the GIF is served and nothing is recorded. Its cost is the HTTP's alone.
            var forged = pixels.Select(Forge).ToArray();
            before = await RecordedAsync(data);
            PhaseCpu controlCpu = default, duringCpu = default;
            var control = await SendRateAsync(api, campaign, async () => controlCpu = await CpuAsync(server, () => RateAsync(burst, i => load.GetAsync(forged[i % forged.Length]))));
            if (await RecordedAsync(data) != before) throw new InvalidOperationException("a forged token was recorded");
            var alone2 = await SendRateAsync(api, campaign, () => Task.Delay(TimeSpan.FromSeconds(8)));
            var during = await SendRateAsync(api, campaign, async () => duringCpu = await CpuAsync(server, () => RateAsync(burst, i => load.GetAsync(pixels[i % pixels.Length]))));
            var alone3 = await SendRateAsync(api, campaign, () => Task.Delay(TimeSpan.FromSeconds(8)));
            await WaitRecordedAsync(data, before + burst, TimeSpan.FromMinutes(5));
            Console.WriteLine($"campaign send rate alone: {alone1.Rate:F0}/s; during a burst of {burst} forged opens (not recorded): {control.Rate:F0}/s over {control.Seconds:F1} s; "
                + $"alone: {alone2.Rate:F0}/s; during a burst of {burst} opens: {during.Rate:F0}/s over {during.Seconds:F1} s; alone (the writer draining what is left): {alone3.Rate:F0}/s (alone: 8 s each)");
            // Each burst against the mean of the 8 s alone on either side of it: the rate drifts over a run.
            Measure.Ratio("send rate during the burst of opens / alone", during.Rate, (alone2.Rate + alone3.Rate) / 2);
            Measure.Ratio("send rate during the burst of forged opens / alone", control.Rate, (alone1.Rate + alone2.Rate) / 2);
            Measure.Ratio("the two ratios above: what recording costs beyond serving the requests",
                during.Rate / ((alone2.Rate + alone3.Rate) / 2), control.Rate / ((alone1.Rate + alone2.Rate) / 2));
            // The same cost counted against the whole campaign: the sending the burst displaced, in seconds at the rate alone.
            var aloneRate = (alone2.Rate + alone3.Rate) / 2;
            var lost = during.Seconds * (1 - during.Rate / aloneRate);
            Console.WriteLine($"sending displaced by the burst of opens: {lost:F1} s at the rate alone, {lost / (campaignRecipients / aloneRate):P1} of this campaign's "
                + $"{campaignRecipients} recipients at that rate ({campaignRecipients / aloneRate:F0} s)");
            Console.WriteLine($"CPU during the bursts (Triton.Web, sending included / this load generator): forged {controlCpu.Server:F1} / {controlCpu.Client:F1} s over {controlCpu.Seconds:F1} s, "
                + $"opens {duringCpu.Server:F1} / {duringCpu.Client:F1} s over {duringCpu.Seconds:F1} s");
            Console.WriteLine($"Triton.Web peak rss: {Measure.PeakMegabytes(server.Id)} MB");
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    [GeneratedRegex("http://127\\.0\\.0\\.1:\\d+/t/o/[A-Za-z0-9_-]+\\.gif")]
    private static partial Regex PixelPattern();

    /// <summary>Sums the tracking writer's "Recorded N opens and clicks in X ms" lines; echoes the server's other lines.</summary>
    private sealed partial class WriterBatches
    {
        private long _events;
        private double _milliseconds;
        private readonly Lock _lock = new();

        /// <summary>Takes the writer's batch lines (and their headers); the server's other lines are echoed.</summary>
        public bool Observe(string line)
        {
            var match = BatchLine().Match(line);
            if (!match.Success) return line.StartsWith("dbug: Triton.Core.Tracking.TrackingWriter", StringComparison.Ordinal);
            lock (_lock)
            {
                _events += long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                _milliseconds += double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            return true;
        }

        public void Reset()
        {
            lock (_lock) (_events, _milliseconds) = (0, 0);
        }

        public (long Events, double Seconds) Take()
        {
            lock (_lock) return (_events, _milliseconds / 1000);
        }

        [GeneratedRegex(@"Recorded (\d+) opens and clicks in ([\d.]+) ms")]
        private static partial Regex BatchLine();
    }

    /// <summary>The pixel path with one character of its token changed: still a well-formed URL, but a token that does not open.</summary>
    private static string Forge(string path)
    {
        var at = path.Length / 2;
        return string.Concat(path.AsSpan(0, at), path[at] == 'A' ? "B" : "A", path.AsSpan(at + 1));
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private static Task<int> CreateCampaignAsync(HttpClient api, string name, int list, int template, int transport, int category) =>
        WebBench.PostAsync(api, "/api/campaigns", new
        {
            name, templateId = template, listId = list, transportId = transport, subjects = new[] { "Hello {{first_name}}" },
            fromAddress = "news@triton.test", customVariables = new { greeting = "welcome" }, trackingCategoryId = category, tracking = true,
        });

    private static async Task RunToEndAsync(HttpClient api, int campaign)
    {
        (await api.PostAsync($"/api/campaigns/{campaign}/run", null)).EnsureSuccessStatusCode();
        for (var i = 0; i < 1200; i++)
        {
            using var state = JsonDocument.Parse(await api.GetStringAsync($"/api/campaigns/{campaign}"));
            if (state.RootElement.GetProperty("state").GetString() == "Finished") return;
            await Task.Delay(100);
        }
        throw new TimeoutException("the token campaign did not finish in two minutes");
    }

    /// <summary>The campaign's sent count moved during <paramref name="during"/>, per second.</summary>
    private static async Task<(double Rate, double Seconds)> SendRateAsync(HttpClient api, int campaign, Func<Task> during)
    {
        var first = await SentAsync(api, campaign);
        var watch = Stopwatch.StartNew();
        await during();
        var seconds = watch.Elapsed.TotalSeconds;
        var last = await SentAsync(api, campaign);
        if (last.State != "Running") throw new InvalidOperationException($"the campaign was {last.State} before the measure ended: give it more recipients");
        return ((last.Sent - first.Sent) / seconds, seconds);
    }

    private static async Task<(long Sent, string State)> SentAsync(HttpClient api, int campaign)
    {
        using var body = JsonDocument.Parse(await api.GetStringAsync($"/api/campaigns/{campaign}"));
        return (body.RootElement.GetProperty("progress").GetProperty("sent").GetInt64(), body.RootElement.GetProperty("state").GetString()!);
    }

    private static HttpClient LoadClient(Uri root) => new(new SocketsHttpHandler { UseCookies = false, UseProxy = false, AllowAutoRedirect = false, ActivityHeadersPropagator = null })
    {
        BaseAddress = root,
    };

    /// <summary>A phase's wall seconds and the CPU seconds of the server and of this process over it.</summary>
    private readonly record struct PhaseCpu(double Seconds, double Server, double Client)
    {
        public double ServerMs(int requests) => Server * 1000 / requests;
        public double ClientMs(int requests) => Client * 1000 / requests;
        public double ClientShare => Client / (Client + Server);
    }

    private static async Task<PhaseCpu> CpuAsync(System.Diagnostics.Process server, Func<Task<double>> phase)
    {
        var server0 = WebBench.ServerCpuSeconds(server.Id);
        var client0 = Measure.CpuTime();
        var seconds = await phase();
        return new PhaseCpu(seconds, WebBench.ServerCpuSeconds(server.Id) - server0, (Measure.CpuTime() - client0).TotalSeconds);
    }

    /// <summary>Sends <paramref name="count"/> requests from <see cref="Clients"/> concurrent loops; every answer must be a success. Answers the seconds.</summary>
    private static async Task<double> RateAsync(int count, Func<int, Task<HttpResponseMessage>> send)
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
                await response.Content.ReadAsByteArrayAsync();
            }
        })));
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Opens in the database so far, people's and machines'.</summary>
    private static async Task<long> RecordedAsync(string data)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "triton.db")};Mode=ReadOnly;Default Timeout=60");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COALESCE(SUM(opens + machine_opens), 0) FROM tracked_source_days";
        return Convert.ToInt64(await count.ExecuteScalarAsync());
    }

    private static async Task WaitRecordedAsync(string data, long target, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        long recorded;
        while ((recorded = await RecordedAsync(data)) < target)
        {
            if (watch.Elapsed > limit) throw new TimeoutException($"{recorded} of {target} opens recorded after {limit.TotalSeconds} s (some dropped? see the server's log)");
            await Task.Delay(20);
        }
    }
}
