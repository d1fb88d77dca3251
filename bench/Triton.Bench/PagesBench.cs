using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Triton.Bench;

/// <summary>
/// The admin's campaign page while a campaign sends at full speed to smtp-sink, on the built Triton.Web
/// (child process, SQLite): (1) opening the page in headless Chromium until it is interactive with its
/// counters, (2) the Pause and Run round trips on it, and (3) what open pages cost the server: campaigns
/// with 0 and with N pages open, each page a real circuit held by a <see cref="CircuitClient"/> (no
/// browser on this machine to take the CPU), compared by means in the order N, 0, N, 0... after a
/// warm-up, and the server's resident set with 0 and with N pages open on an idle server.
/// </summary>
public static class PagesBench
{
    private const int WarmUp = 10;

    /// <summary>
    /// <paramref name="phases"/>: "all", or "latency" (opens and round trips), "push" (the push cost), "throughput"
    /// (the push cost, open pages while sending and memory), "send" (open pages while sending) or "quiet"
    /// (opens with nothing sending) alone.
    /// </summary>
    public static async Task RunAsync(int recipients, int pages, int samples, string phases = "all")
    {
        var dll = WebBench.BuiltServer();
        var data = Directory.CreateTempSubdirectory("triton-bench-pages-").FullName;
        var root = new Uri($"http://127.0.0.1:{SmtpSink.FreePort()}");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Triton__Bootstrap__AdminEmail"] = WebBench.AdminEmail,
            ["Triton__Bootstrap__AdminPassword"] = WebBench.AdminPassword,
            ["Triton__Bootstrap__ApiKey"] = WebBench.ApiKey,
        };
        var sql = SqlCommandCounter.FromEnvironment();
        sql?.Configure(environment);
        using var server = WebBench.StartServer(dll, root, data, environment, sql is null ? null : sql.Take);
        try
        {
            using var api = new HttpClient { BaseAddress = root };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WebBench.ApiKey);
            await WebBench.WaitHealthyAsync(api, server);
            Console.WriteLine($"Triton.Web pid {server.Id} on {root}");
            var (listId, templateId) = await WebBench.SeedAsync(api, recipients, data);
            await using var sink = await SmtpSink.StartAsync();
            var transportId = await WebBench.PostAsync(api, "/api/transports", new
            {
                name = "Pages bench smtp-sink", kind = "smtp", host = "127.0.0.1", port = sink.Port, security = "none", maxConnections = 8,
            });
            var cookies = new CookieContainer();
            using var user = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = root };
            await WebBench.SignInAsync(user);

            if (phases is "quiet")
                await MeasureQuietOpensAsync(api, root, cookies, user, listId, templateId, transportId, samples);
            if (phases is "all" or "latency")
                await MeasureLatencyAsync(api, root, cookies, user, listId, templateId, transportId, samples);
            if (phases is "all" or "throughput" or "push")
                await MeasurePushCostAsync(api, server, root, cookies, user, listId, templateId, sink.Port, pages);
            if (phases is "send")
                await MeasureThroughputAsync(api, server, sql, root, cookies, user, listId, templateId, transportId, recipients, pages);
            if (phases is "all" or "throughput")
            {
                await MeasureThroughputAsync(api, server, sql, root, cookies, user, listId, templateId, transportId, recipients, pages);
                await MeasureMemoryAsync(server, root, cookies, user, pages);
            }
            Console.WriteLine($"Triton.Web peak rss: {Measure.PeakMegabytes(server.Id)} MB");
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Goals 1 and 2: page opens and Pause/Run round trips in Chromium, one campaign kept sending throughout.</summary>
    private static async Task MeasureLatencyAsync(HttpClient api, Uri root, CookieContainer cookies, HttpClient user, int list, int template, int transport, int samples)
    {
        var campaign = await WebBench.CreateCampaignAsync(api, "Pages bench latency", list, template, transport);
        await KeepSendingAsync(api, campaign);
        await using var browser = await PageLatency.LaunchAsync(root, cookies);
        var interactive = new List<double>();
        var firstPush = new List<double>();
        var failed = 0;
        for (var i = 0; i < WarmUp + samples; i++)
        {
            await KeepSendingAsync(api, campaign);
            try
            {
                var (shown, pushed) = await browser.OpenAsync(campaign);
                if (i < WarmUp)
                {
                    browser.Phases.Clear();
                    continue;
                }
                interactive.Add(shown);
                firstPush.Add(pushed);
            }
            catch (Exception exception) when (exception is TimeoutException or Microsoft.Playwright.PlaywrightException)
            {
                // A page that never came (or reloaded) on a machine this loaded is reported, not hidden.
                failed++;
                Console.WriteLine($"  open {i} failed: {exception.Message.Split('\n')[0]}");
            }
        }
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}; {failed} opens failed (not in the figures)");
        Report("open the campaign page until interactive with its counters", interactive);
        Report("open the campaign page until the first live counter push", firstPush);
        // What a person sees before the circuit: the prerendered page, counters included, at its first paint.
        Report("open the campaign page until its first paint (the prerendered page)", browser.Phases.Select(p => p["firstPaint"]).Where(t => t >= 0).ToList());
        Console.WriteLine($"  where an open's time went (Chromium's Performance API): {browser.PhasesSummary()}");

        // Opening it as a person does from the admin: a click on its name in the campaigns list, inside the
        // running circuit, then Back to the list.
        var inApp = new List<PageLatency.InAppOpen>();
        await KeepSendingAsync(api, campaign);
        var listPage = await browser.OpenListAsync(campaign);
        failed = 0;
        for (var i = 0; i < WarmUp + samples; i++)
        {
            await KeepSendingAsync(api, campaign);
            try
            {
                var open = await PageLatency.OpenInAppAsync(listPage, campaign);
                if (i >= WarmUp) inApp.Add(open);
            }
            catch (Exception exception) when (exception is TimeoutException or Microsoft.Playwright.PlaywrightException)
            {
                failed++;
                Console.WriteLine($"  in-app open {i} failed: {exception.Message.Split('\n')[0]}");
                await listPage.CloseAsync();
                listPage = await browser.OpenListAsync(campaign);
            }
        }
        await listPage.CloseAsync();
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}; {failed} in-app opens failed (not in the figures)");
        Report("open the campaign page from the campaigns list (click on its name, same circuit) until interactive with its counters", inApp.Select(o => o.Interactive).ToList());
        Report("  the same, by the page's clock from the click event", inApp.Select(o => o.InteractiveInPage).ToList());
        Report("  by the page's clock, from the click until the circuit's last message before the counters showed", inApp.Select(o => o.LastMessageInPage).ToList());
        Report("open the campaign page from the campaigns list until the first live counter push", inApp.Select(o => o.FirstPush).ToList());

        // The same opens without a browser: the server's share of them (HTML, circuit, first render batch).
        await KeepSendingAsync(api, campaign);
        await using (var clients = await CircuitClients.OpenAsync(root, cookies, user, $"/campaigns/{campaign}", WarmUp + samples, "Finished"))
        {
            var times = clients.OpenTimes.Skip(WarmUp).ToList();
            Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}");
            Report("open the campaign page without a browser until the prerendered HTML is read", times.Select(t => t.Prerender).ToList());
            Report("open the campaign page without a browser until its circuit's first render batch", times.Select(t => t.Live).ToList());
        }

        var trips = new List<PageLatency.RoundTrip>();
        await KeepSendingAsync(api, campaign);
        var page = await browser.OpenForActionsAsync(campaign);
        failed = 0;
        for (var i = 0; i < WarmUp + samples; i++)
        {
            await KeepSendingAsync(api, campaign);
            try
            {
                var trip = await PageLatency.PauseAndRunAsync(page);
                if (i >= WarmUp) trips.Add(trip);
            }
            catch (Exception exception) when (exception is TimeoutException or Microsoft.Playwright.PlaywrightException)
            {
                failed++;
                Console.WriteLine($"  round trip {i} failed: {exception.Message.Split('\n')[0]}");
                await page.CloseAsync();
                page = await browser.OpenForActionsAsync(campaign);
            }
        }
        await page.CloseAsync();
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}; {failed} round trips failed (not in the figures)");
        Report("click Pause until the page shows Paused", trips.Select(t => t.Pause).ToList());
        Report("  the same, by the page's clock from the click event", trips.Select(t => t.PauseInPage).ToList());
        Report("  by the page's clock, from the click until the circuit's last message before Paused showed", trips.Select(t => t.PauseMessageInPage).ToList());
        Report("click Run until the page shows the run accepted (Pending or Running)", trips.Select(t => t.RunAccepted).ToList());
        Report("  the same, by the page's clock from the click event", trips.Select(t => t.RunAcceptedInPage).ToList());
        Report("  by the page's clock, from the click until the circuit's last message before it showed", trips.Select(t => t.RunAcceptedMessageInPage).ToList());
        Report("click Run until the page shows Running", trips.Select(t => t.Running).ToList());
        Report("  the same, by the page's clock from the click event", trips.Select(t => t.RunningInPage).ToList());

        // The commands alone, through the API (the same Core service the buttons call): the server's share
        // of a round trip, without the circuit, the page or the browser.
        var apiPause = new List<double>();
        var apiRun = new List<double>();
        for (var i = 0; i < WarmUp + samples; i++)
        {
            await KeepSendingAsync(api, campaign);
            var watch = Stopwatch.StartNew();
            using (var paused = await api.PostAsync($"/api/campaigns/{campaign}/pause", null))
                if (!paused.IsSuccessStatusCode) continue; // the campaign finished meanwhile
            var pauseMs = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            using (var resumed = await api.PostAsync($"/api/campaigns/{campaign}/run", null))
                if (!resumed.IsSuccessStatusCode) continue;
            if (i < WarmUp) continue;
            apiPause.Add(pauseMs);
            apiRun.Add(watch.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Report("POST pause through the API until answered (the command alone)", apiPause);
        Report("POST run on the paused campaign through the API until answered (Pending)", apiRun);
        await ActAsync(api, campaign, "stop");
    }

    /// <summary>
    /// Opening the campaign page with nothing sending (the campaign not started): what the browser and the
    /// server cost on this machine without the campaign beside them, in Chromium and without a browser.
    /// </summary>
    private static async Task MeasureQuietOpensAsync(HttpClient api, Uri root, CookieContainer cookies, HttpClient user, int list, int template, int transport, int samples)
    {
        var campaign = await WebBench.CreateCampaignAsync(api, "Pages bench, not sending", list, template, transport);
        await using var browser = await PageLatency.LaunchAsync(root, cookies);
        var interactive = new List<double>();
        for (var i = 0; i < WarmUp + samples; i++)
        {
            var (shown, _) = await browser.OpenAsync(campaign, untilPush: false);
            if (i < WarmUp) browser.Phases.Clear();
            else interactive.Add(shown);
        }
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}; nothing sending");
        Report("open the campaign page, nothing sending, until interactive with its counters (Chromium)", interactive);
        Console.WriteLine($"  where an open's time went (Chromium's Performance API): {browser.PhasesSummary()}");
        await using var clients = await CircuitClients.OpenAsync(root, cookies, user, $"/campaigns/{campaign}", WarmUp + samples, "Finished");
        var times = clients.OpenTimes.Skip(WarmUp).ToList();
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}; nothing sending");
        Report("open the campaign page, nothing sending, without a browser until the prerendered HTML is read", times.Select(t => t.Prerender).ToList());
        Report("open the campaign page, nothing sending, without a browser until its circuit's first render batch", times.Select(t => t.Live).ToList());
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;

    private static void Report(string what, List<double> values) =>
        Console.WriteLine(values.Count == 0 ? $"{what}: no samples"
            : $"{what}: n={values.Count} p50={Measure.Percentile(values, 0.50):F1} ms p95={Measure.Percentile(values, 0.95):F1} ms max={values.Max():F1} ms");

    /// <summary>
    /// Starts the campaign from the beginning again when it has finished or nearly so (a sample must not
    /// meet its end), runs it when paused, and waits until it runs.
    /// </summary>
    private static async Task KeepSendingAsync(HttpClient api, int campaign)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var (state, plan, processed) = await StateAsync(api, campaign);
            switch (state)
            {
                case "Running" when plan == 0 || processed < plan * 0.8: return;
                case "Running" or "Finished":
                    await ActAsync(api, campaign, "stop");
                    await ActAsync(api, campaign, "run");
                    break;
                case "Idle" or "Paused":
                    await ActAsync(api, campaign, "run");
                    break;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"campaign {campaign} did not start running in 30 s");
    }

    /// <summary>An action through the API; a refusal (409: the state moved meanwhile) is read again by the caller's loop.</summary>
    private static async Task ActAsync(HttpClient api, int campaign, string action)
    {
        using var response = await api.PostAsync($"/api/campaigns/{campaign}/{action}", null);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Conflict)
            throw new InvalidOperationException($"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<bool> EnqueuedAsync(HttpClient api, int campaign)
    {
        using var body = JsonDocument.Parse(await api.GetStringAsync($"/api/campaigns/{campaign}"));
        var progress = body.RootElement.GetProperty("progress");
        return progress.GetProperty("plan").GetInt64() > 0 && progress.GetProperty("enqueued").GetInt64() == progress.GetProperty("plan").GetInt64();
    }

    private static async Task<(string State, long Plan, long Processed)> StateAsync(HttpClient api, int campaign)
    {
        using var body = JsonDocument.Parse(await api.GetStringAsync($"/api/campaigns/{campaign}"));
        var progress = body.RootElement.GetProperty("progress");
        long Count(string name) => progress.GetProperty(name).GetInt64();
        return (body.RootElement.GetProperty("state").GetString()!, Count("plan"),
            Count("sent") + Count("skipped") + Count("failed") + Count("bounced"));
    }

    /// <summary>
    /// Goal 3, throughput: campaigns with N and with 0 pages open, N first as the warm-up (not counted),
    /// then 0, N, 0, N, 0, N, 0 compared by means, as the web scenario does. BENCH_PAGES_PAIRS=K measures K
    /// campaigns with pages (3 by default) between K + 1 without; BENCH_PAGES_WARMUPS=W runs W warm-up campaigns
    /// with pages first (1 by default): the pages' code is jitted again, optimised, after it has run a while,
    /// and a server that has shown pages for a while runs that code.
    /// </summary>
    private static async Task MeasureThroughputAsync(HttpClient api, Process server, SqlCommandCounter? sql, Uri root, CookieContainer cookies, HttpClient user,
        int list, int template, int transport, int recipients, int pages)
    {
        var runs = new List<(int Pages, double Seconds, double Cpu, double Rss, Timeline Parts)>();
        var run = 0;
        var warmUps = Setting("BENCH_PAGES_WARMUPS", 1);
        var order = Enumerable.Repeat(pages, warmUps).Concat(Enumerable.Range(0, 2 * Setting("BENCH_PAGES_PAIRS", 3) + 1).Select(i => i % 2 == 0 ? 0 : pages));
        foreach (var open in order)
        {
            var warmUp = run++ < warmUps;
            var campaign = await WebBench.CreateCampaignAsync(api, $"Pages run {run}", list, template, transport);
            await using var clients = await CircuitClients.OpenAsync(root, cookies, user, $"/campaigns/{campaign}", open, "Finished");
            await Task.Delay(1000); // the pages' first renders are done before the clock starts
            sql?.TakeSummary();
            var opened = clients.JsCalls();
            Console.WriteLine($"campaign {campaign} starts with {open} pages open at {DateTimeOffset.UtcNow:HH:mm:ss.fff}");
            var (seconds, cpu, rss, sent, parts) = await SendAsync(api, server, campaign);
            Console.WriteLine($"campaign {campaign} with {open} pages open: {sent} sent in {seconds:F2} s = {sent / seconds:F0}/s; server cpu {cpu:F1} s ({cpu / seconds:F2} cores); mean rss {rss:F0} MB; load average {File.ReadAllText("/proc/loadavg").Trim()}{(warmUp ? " (warm-up, not counted)" : "")}");
            Console.WriteLine($"  server cpu by part: {parts}");
            if (sql is not null) Console.WriteLine($"  SQL commands through EF Core, run to {Timeline.AfterSeconds} s after Finished: {sql.TakeSummary()}");
            if (open > 0)
            {
                Console.WriteLine($"  {clients.Summary("Finished")}");
                // Which functions each page's components called in the browser: opening it, then while its campaign ran.
                Console.WriteLine($"  JS calls opening the page: {CircuitClients.PerPage(opened, open)}");
                Console.WriteLine($"  JS calls while the campaign ran: {CircuitClients.PerPage(clients.JsCalls(), open, opened)}");
            }
            if (!warmUp) runs.Add((open, seconds, cpu, rss, parts));
        }
        var without = runs.Where(r => r.Pages == 0).ToList();
        var with = runs.Where(r => r.Pages == pages).ToList();
        Console.WriteLine($"campaign duration with 0 pages: {string.Join(", ", without.Select(r => r.Seconds.ToString("F2")))} s (mean {without.Average(r => r.Seconds):F2} s); with {pages}: {string.Join(", ", with.Select(r => r.Seconds.ToString("F2")))} s (mean {with.Average(r => r.Seconds):F2} s)");
        var ratio = with.Average(r => r.Seconds) / without.Average(r => r.Seconds);
        Console.WriteLine($"ratio duration with {pages} pages / without (means): {ratio:F3} ({(ratio - 1) * 100:+0.0;-0.0}%)");
        // Each campaign with pages against the two without on either side: the machine's drift over the run cancels.
        var pairs = Enumerable.Range(0, with.Count).Select(i => with[i].Seconds / ((without[i].Seconds + without[i + 1].Seconds) / 2)).ToList();
        Console.WriteLine($"each campaign with {pages} pages / the two without beside it: {string.Join(", ", pairs.Select(r => r.ToString("F3")))}; median {Measure.Percentile(pairs, 0.5):F3}");
        var cpuRatio = with.Average(r => r.Cpu) / without.Average(r => r.Cpu);
        Console.WriteLine($"ratio server cpu with {pages} pages / without (means): {cpuRatio:F3} ({(cpuRatio - 1) * 100:+0.0;-0.0}%)");
        Console.WriteLine($"server cpu by part, means: with 0 pages {Timeline.Mean(without.Select(r => r.Parts))}; with {pages} pages {Timeline.Mean(with.Select(r => r.Parts))}");
        Console.WriteLine($"mean rss while sending with {pages} pages: {with.Average(r => r.Rss):F0} MB; with 0: {without.Average(r => r.Rss):F0} MB");
    }

    /// <summary>
    /// Where a campaign's server CPU went, by part (seconds of wall time, seconds of CPU): from Run until
    /// the API says Running (the changes of state to Pending and Running), until every job is enqueued, until
    /// Finished, and the <see cref="AfterSeconds"/> s after it (the change of state to Finished reaching the pages).
    /// </summary>
    private sealed record Timeline((double Seconds, double Cpu) Starting, (double Seconds, double Cpu) Enqueueing,
        (double Seconds, double Cpu) Sending, (double Seconds, double Cpu) AfterFinished)
    {
        public const double AfterSeconds = 1.5;

        public static string Mean(IEnumerable<Timeline> timelines)
        {
            var all = timelines.ToList();
            return new Timeline(Average(all.Select(t => t.Starting)), Average(all.Select(t => t.Enqueueing)),
                Average(all.Select(t => t.Sending)), Average(all.Select(t => t.AfterFinished))).ToString();
        }

        private static (double, double) Average(IEnumerable<(double Seconds, double Cpu)> parts) =>
            (parts.Average(p => p.Seconds), parts.Average(p => p.Cpu));

        public override string ToString() =>
            $"until Running {Starting.Cpu:F2} s in {Starting.Seconds:F2} s, enqueueing {Enqueueing.Cpu:F2} s in {Enqueueing.Seconds:F2} s, "
            + $"sending {Sending.Cpu:F2} s in {Sending.Seconds:F2} s ({Sending.Cpu / Math.Max(0.001, Sending.Seconds):F2} cores), {AfterSeconds} s after Finished {AfterFinished.Cpu:F2} s";
    }

    /// <summary>
    /// What a progress push costs the server per open page, measured apart from the sending: a campaign on
    /// a transport limited to 300 messages a second (the engine's own CPU stays small, and the feed still
    /// pushes a few times a second), then the server's CPU over 10 s windows with no page open and with
    /// N pages open, three times in turn. The difference, divided by the render batches the pages received
    /// in their windows, is the server CPU of one push to one page.
    /// </summary>
    private static async Task MeasurePushCostAsync(HttpClient api, Process server, Uri root, CookieContainer cookies, HttpClient user,
        int list, int template, int sinkPort, int pages)
    {
        var transport = await WebBench.PostAsync(api, "/api/transports", new
        {
            name = "Pages bench smtp-sink, 300/s", kind = "smtp", host = "127.0.0.1", port = sinkPort, security = "none", maxConnections = 2, ratePerSecond = 300,
        });
        var campaign = await WebBench.CreateCampaignAsync(api, "Pages push cost", list, template, transport);
        await KeepSendingAsync(api, campaign);
        // Enqueueing writes every job first: the windows start once it is done.
        for (var i = 0; i < 600 && !await EnqueuedAsync(api, campaign); i++) await Task.Delay(100);
        var window = TimeSpan.FromSeconds(10);
        var idle = new List<double>();
        var open = new List<double>();
        var perBatch = new List<double>();
        // A warm-up round first (not counted); then the order alternates, so a trend in the server's own
        // CPU (the JIT settling, the garbage collector) does not count as the pages' cost.
        for (var round = 0; round < 5; round++)
        {
            double idleCpu = 0, openCpu = 0;
            long pushed = 0, pushedBytes = 0;
            foreach (var withPages in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                await KeepSendingAsync(api, campaign);
                if (!withPages)
                {
                    var before = WebBench.ServerCpuSeconds(server.Id);
                    var idleFrom = Stopwatch.GetTimestamp();
                    await Task.Delay(window);
                    idleCpu = WebBench.ServerCpuSeconds(server.Id) - before;
                    Console.WriteLine($"  window with 0 pages: monotonic {Monotonic(idleFrom):F3} s to {Monotonic(Stopwatch.GetTimestamp()):F3} s");
                    continue;
                }
                await using var clients = await CircuitClients.OpenAsync(root, cookies, user, $"/campaigns/{campaign}", pages, "Finished");
                await Task.Delay(1000); // the opens are done before the window starts
                var (batches, bytes) = clients.Totals;
                var cpu = WebBench.ServerCpuSeconds(server.Id);
                var openFrom = Stopwatch.GetTimestamp();
                await Task.Delay(window);
                openCpu = WebBench.ServerCpuSeconds(server.Id) - cpu;
                Console.WriteLine($"  window with {pages} pages: monotonic {Monotonic(openFrom):F3} s to {Monotonic(Stopwatch.GetTimestamp()):F3} s");
                var (batchesAfter, bytesAfter) = clients.Totals;
                (pushed, pushedBytes) = (batchesAfter - batches, bytesAfter - bytes);
            }
            var cost = pushed == 0 ? 0 : (openCpu - idleCpu) * 1000 / pushed;
            Console.WriteLine($"push cost round {round}{(round == 0 ? " (warm-up, not counted)" : "")}: server cpu {idleCpu:F2} s in {window.TotalSeconds:F0} s with 0 pages, {openCpu:F2} s with {pages} pages; "
                + $"{pushed} render batches to the pages ({(double)pushed / pages / window.TotalSeconds:F1} per page per second, {pushedBytes / Math.Max(1.0, pushed):F0} bytes each): "
                + $"{cost:F2} ms of server cpu per batch per page; load average {File.ReadAllText("/proc/loadavg").Trim()}");
            if (round == 0) continue;
            idle.Add(idleCpu);
            open.Add(openCpu);
            perBatch.Add(cost);
        }
        Console.WriteLine($"push cost: server cpu per {window.TotalSeconds:F0} s with 0 pages {idle.Average():F2} s, with {pages} pages {open.Average():F2} s (means of {idle.Count}); "
            + $"{(open.Average() - idle.Average()) * 1000 / pages / window.TotalSeconds:F2} ms of server cpu per open page per second; "
            + $"median {Measure.Percentile(perBatch, 0.5):F2} ms per render batch per open page");
        await ActAsync(api, campaign, "stop");
    }

    /// <summary>A timestamp on CLOCK_MONOTONIC in seconds, as `perf record -k CLOCK_MONOTONIC` and `perf script --time` read it.</summary>
    private static double Monotonic(long timestamp) => (double)timestamp / Stopwatch.Frequency;

    /// <summary>
    /// Runs the campaign to its end: seconds, server CPU seconds, mean resident set (sampled every 100 ms),
    /// messages sent, and where the CPU went (then waits <see cref="Timeline.AfterSeconds"/> s, measured apart).
    /// </summary>
    private static async Task<(double Seconds, double Cpu, double Rss, long Sent, Timeline Parts)> SendAsync(HttpClient api, Process server, int campaign)
    {
        var cpu = WebBench.ServerCpuSeconds(server.Id);
        var rss = new List<double>();
        var watch = Stopwatch.StartNew();
        // (seconds, cpu) when the API first said Running and first said every job was enqueued.
        (double Seconds, double Cpu)? running = null, enqueued = null;
        (await api.PostAsync($"/api/campaigns/{campaign}/run", null)).EnsureSuccessStatusCode();
        while (true)
        {
            rss.Add(Measure.ResidentMegabytes(server.Id));
            using var body = JsonDocument.Parse(await api.GetStringAsync($"/api/campaigns/{campaign}"));
            var state = body.RootElement.GetProperty("state").GetString();
            var progress = body.RootElement.GetProperty("progress");
            (double, double) Now() => (watch.Elapsed.TotalSeconds, WebBench.ServerCpuSeconds(server.Id) - cpu);
            if (state is "Running" or "Finished") running ??= Now();
            if (progress.GetProperty("plan").GetInt64() > 0 && progress.GetProperty("enqueued").GetInt64() == progress.GetProperty("plan").GetInt64())
                enqueued ??= Now();
            if (state == "Finished")
            {
                var (seconds, used) = Now();
                var sent = progress.GetProperty("sent").GetInt64();
                await Task.Delay(TimeSpan.FromSeconds(Timeline.AfterSeconds));
                var after = WebBench.ServerCpuSeconds(server.Id) - cpu - used;
                var (r, e) = (running!.Value, enqueued ?? (seconds, used));
                var parts = new Timeline(r, (e.Seconds - r.Seconds, e.Cpu - r.Cpu), (seconds - e.Seconds, used - e.Cpu), (Timeline.AfterSeconds, after));
                return (seconds, used, rss.Average(), sent, parts);
            }
            if (state is "Paused" or "Idle") throw new InvalidOperationException($"campaign {campaign} is {state}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Goal 3, memory: the idle server's resident set (mean of 30 readings over 3 s) with 0 and with N
    /// pages open on the last campaign, three times in turn.
    /// </summary>
    private static async Task MeasureMemoryAsync(Process server, Uri root, CookieContainer cookies, HttpClient user, int pages)
    {
        var deltas = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            await Task.Delay(2000);
            var closed = await SteadyRssAsync(server);
            double open;
            await using (var clients = await CircuitClients.OpenAsync(root, cookies, user, "/campaigns/1", pages, "Finished"))
            {
                await Task.Delay(2000);
                open = await SteadyRssAsync(server);
            }
            deltas.Add(open - closed);
            Console.WriteLine($"idle server rss with 0 pages {closed:F0} MB, with {pages} pages {open:F0} MB: +{open - closed:F0} MB = {(open - closed) / pages * 1024:F0} KB per page");
        }
        Console.WriteLine($"server memory for {pages} open pages (mean of 3): {deltas.Average():F0} MB, {deltas.Average() / pages * 1024:F0} KB per page");
    }

    private static async Task<double> SteadyRssAsync(Process server)
    {
        var readings = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            readings.Add(Measure.ResidentMegabytes(server.Id));
            await Task.Delay(100);
        }
        return readings.Average();
    }
}
