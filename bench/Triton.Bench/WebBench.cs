using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Triton.Bench;

/// <summary>
/// The built Triton.Web as a child process on a real port, SQLite in a temp data directory, an SMTP
/// transport to smtp-sink. While a campaign sends at full speed, a signed-in user loads GET /campaigns
/// and GET / back to back (their latencies give p95), and the campaign's duration is compared with 0
/// and with N SignalR clients joined to its progress (after a warm-up campaign, seven in the order
/// 0, N, 0, N, 0, N, 0, compared by means: the runs drift as the database grows, and the order cancels
/// a steady drift).
/// </summary>
public static partial class WebBench
{
    internal const string AdminEmail = "bench-admin@triton.test";
    internal const string AdminPassword = "Bench-password-1234";
    internal const string ApiKey = "bench-api-key-0123456789abcdef0123456789";

    public static async Task RunAsync(int recipients, int hubClients)
    {
        var dll = BuiltServer();
        var data = Directory.CreateTempSubdirectory("triton-bench-web-").FullName;
        var port = SmtpSink.FreePort();
        var root = new Uri($"http://127.0.0.1:{port}");
        using var server = StartServer(dll, root, data, new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Triton__Bootstrap__AdminEmail"] = AdminEmail,
            ["Triton__Bootstrap__AdminPassword"] = AdminPassword,
            ["Triton__Bootstrap__ApiKey"] = ApiKey,
        });
        try
        {
            using var api = new HttpClient { BaseAddress = root };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            await WaitHealthyAsync(api, server);
            Console.WriteLine($"Triton.Web pid {server.Id} on {root}");

            var (listId, templateId) = await SeedAsync(api, recipients, data);
            // The campaigns send over SMTP to Postfix's smtp-sink. With the pickup transport, this
            // machine's disk decided the figures: on ext4 without a journal, each new file's inode is
            // found by scanning past inodes deleted in the last minutes (those of an earlier run), so the
            // same campaign took 10 to 55 s, 70 to 80% of it in the kernel, whatever the hub clients did.
            await using var sink = await SmtpSink.StartAsync();
            var transportId = await PostAsync(api, "/api/transports", new
            {
                name = "Web bench smtp-sink", kind = "smtp", host = "127.0.0.1", port = sink.Port, security = "none", maxConnections = 8,
            });
            var cookies = new CookieContainer();
            using var user = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = root };
            await SignInAsync(user);

            // The first campaign runs the server's sending and hub paths cold (the JIT compiles them,
            // then again optimised): it is a warm-up with the hub clients connected, reported and not
            // counted, as in a server that has been running.
            var durations = new List<(int Clients, double Seconds, double ServerCpu)>();
            var run = 0;
            foreach (var clients in new[] { hubClients, 0, hubClients, 0, hubClients, 0, hubClients, 0 })
            {
                var warmUp = run++ == 0;
                var campaignId = await CreateCampaignAsync(api, $"Web run {run}", listId, templateId, transportId);
                await using var hub = await HubClients.ConnectAsync(root, cookies, campaignId, clients);
                var (seconds, cpu) = await RunWhileBrowsingAsync(api, user, server, campaignId, recipients, clients);
                Console.WriteLine($"  hub clients: {hub.Summary()}{(warmUp ? " (warm-up, not counted)" : "")}");
                if (!warmUp) durations.Add((clients, seconds, cpu));
            }
            var withoutClients = durations.Where(d => d.Clients == 0).Select(d => d.Seconds).ToList();
            var withClients = durations.Where(d => d.Clients == hubClients).Select(d => d.Seconds).ToList();
            Console.WriteLine($"campaign duration with 0 hub clients: {string.Join(" s, ", withoutClients.Select(d => d.ToString("F2")))} s (mean {withoutClients.Average():F2} s); with {hubClients}: {string.Join(" s, ", withClients.Select(d => d.ToString("F2")))} s (mean {withClients.Average():F2} s)");
            var ratio = withClients.Average() / withoutClients.Average();
            Console.WriteLine($"ratio duration with {hubClients} hub clients / without (means): {ratio:F3} ({(ratio - 1) * 100:+0.0;-0.0}%)");
            var cpuRatio = durations.Where(d => d.Clients == hubClients).Average(d => d.ServerCpu) / durations.Where(d => d.Clients == 0).Average(d => d.ServerCpu);
            Console.WriteLine($"ratio server cpu with {hubClients} hub clients / without (means): {cpuRatio:F3} ({(cpuRatio - 1) * 100:+0.0;-0.0}%)");
            Console.WriteLine($"Triton.Web peak rss: {Measure.PeakMegabytes(server.Id)} MB");
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// The built Triton.Web to run: this repository's Release build, or the one TRITON_BENCH_WEB_DLL names
    /// (another build, to compare two builds with this same bench program).
    /// </summary>
    internal static string BuiltServer()
    {
        var dll = Environment.GetEnvironmentVariable("TRITON_BENCH_WEB_DLL") is { Length: > 0 } other ? other
            : Path.Combine(RepositoryPaths.Root(), "Triton.Web", "bin", "Release", "net10.0", "Triton.Web.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: run `dotnet build -c Release` first.");
        Console.WriteLine($"server: {dll}");
        return dll;
    }

    /// <summary>The built Triton.Web as a child process on <paramref name="root"/>, its output echoed (Data Protection's warnings left out).</summary>
    /// <param name="take">Sees each line first; the lines it takes (true) are not echoed.</param>
    internal static Process StartServer(string dll, Uri root, string data, Dictionary<string, string> environment, Func<string, bool>? take = null)
    {
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ASPNETCORE_URLS"] = root.ToString();
        start.Environment["Triton__DataDirectory"] = data;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var server = Process.Start(start)!;
        server.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line) return;
            if (take?.Invoke(line) != true && !line.Contains("DataProtection")) Console.WriteLine($"  server: {line}");
        };
        server.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.WriteLine($"  server (stderr): {line}"); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        return server;
    }

    /// <summary>Polls /health until it answers; <paramref name="limit"/> (60 s unless given) leaves room for a start on a machine shared with other work.</summary>
    internal static async Task WaitHealthyAsync(HttpClient api, Process server, TimeSpan? limit = null)
    {
        var wait = limit ?? TimeSpan.FromSeconds(60);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < wait)
        {
            if (server.HasExited) throw new InvalidOperationException($"Triton.Web exited with {server.ExitCode}");
            try
            {
                if ((await api.GetAsync("/health")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Triton.Web did not become healthy in {wait.TotalSeconds:F0} s");
    }

    /// <summary>A list imported through the API from CSV and the short newsletter template (setup, not measured).</summary>
    internal static async Task<(int List, int Template)> SeedAsync(HttpClient api, int recipients, string data)
    {
        var list = await PostAsync(api, "/api/lists", new { name = "Web bench list", columns = Newsletter.Columns });
        var csv = Path.Combine(data, "seed.csv");
        await CsvBench.WriteCsvAsync(csv, recipients);
        var watch = Stopwatch.StartNew();
        await using (var file = File.OpenRead(csv))
        {
            using var body = new StreamContent(file);
            body.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            var response = await api.PostAsync($"/api/lists/{list}/import", body);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"import: {(int)response.StatusCode} {text}");
            using var result = JsonDocument.Parse(text);
            Console.WriteLine($"seeded {result.RootElement.GetProperty("added").GetInt64()} recipients through POST /api/lists/{list}/import in {watch.Elapsed.TotalSeconds:F1} s (setup)");
        }
        File.Delete(csv);
        var template = await PostAsync(api, "/api/templates", new { name = "web-bench-template", body = EngineBench.Template });
        return (list, template);
    }

    internal static Task<int> CreateCampaignAsync(HttpClient api, string name, int list, int template, int transport) =>
        PostAsync(api, "/api/campaigns", new
        {
            name, templateId = template, listId = list, transportId = transport, subjects = new[] { "Hello {{first_name}}" },
            fromAddress = "news@triton.test", customVariables = new { greeting = "welcome" },
        });

    internal static async Task<int> PostAsync(HttpClient api, string path, object body)
    {
        var response = await api.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("id").GetInt32();
    }

    /// <summary>Signs in through the login form as a browser does (antiforgery token, form post, cookie).</summary>
    internal static async Task SignInAsync(HttpClient user)
    {
        var page = await user.GetStringAsync("/login");
        var token = HiddenValue(page, "__RequestVerificationToken");
        var handler = HiddenValue(page, "_handler");
        var response = await user.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = handler, ["Input.Email"] = AdminEmail, ["Input.Password"] = AdminPassword,
        }));
        var check = await user.GetAsync("/campaigns");
        if (check.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"sign-in failed: POST /login gave {(int)response.StatusCode}, GET /campaigns gave {(int)check.StatusCode}");
        Console.WriteLine($"signed in as {AdminEmail} through the login form (POST /login: {(int)response.StatusCode})");
    }

    private static string HiddenValue(string html, string name)
    {
        foreach (Match input in InputTag().Matches(html))
            if (input.Value.Contains($"name=\"{name}\""))
                return WebUtility.HtmlDecode(ValueAttribute().Match(input.Value).Groups[1].Value);
        throw new InvalidOperationException($"the login page has no hidden input {name}");
    }

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex InputTag();

    [GeneratedRegex("value=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();

    /// <summary>Runs the campaign; while it sends, loads the two pages back to back; returns the campaign's duration.</summary>
    private static async Task<(double Seconds, double ServerCpu)> RunWhileBrowsingAsync(HttpClient api, HttpClient user, Process server, int campaignId, int recipients, int clients)
    {
        var latencies = new Dictionary<string, List<double>> { ["/campaigns"] = [], ["/"] = [] };
        var errors = 0;
        var serverCpu = ServerCpuSeconds(server.Id);
        var watch = Stopwatch.StartNew();
        var run = await api.PostAsync($"/api/campaigns/{campaignId}/run", null);
        if (!run.IsSuccessStatusCode) throw new InvalidOperationException($"run: {(int)run.StatusCode} {await run.Content.ReadAsStringAsync()}");
        using var sending = new CancellationTokenSource();
        var browsing = Task.Run(async () =>
        {
            while (!sending.IsCancellationRequested)
                foreach (var path in latencies.Keys)
                {
                    var request = Stopwatch.StartNew();
                    using var response = await user.GetAsync(path, HttpCompletionOption.ResponseContentRead);
                    request.Stop();
                    if (response.StatusCode != HttpStatusCode.OK) errors++;
                    else latencies[path].Add(request.Elapsed.TotalMilliseconds);
                    await Task.Delay(50);
                }
        });
        long sent;
        while (true)
        {
            using var state = JsonDocument.Parse(await api.GetStringAsync($"/api/campaigns/{campaignId}"));
            sent = state.RootElement.GetProperty("progress").GetProperty("sent").GetInt64();
            var current = state.RootElement.GetProperty("state").GetString();
            if (current == "Finished") break;
            if (current is "Paused" or "Idle") throw new InvalidOperationException($"campaign {campaignId} is {current}");
            await Task.Delay(100);
        }
        watch.Stop();
        sending.Cancel();
        await browsing;
        serverCpu = ServerCpuSeconds(server.Id) - serverCpu;
        Console.WriteLine($"campaign {campaignId} with {clients} hub clients: {sent} of {recipients} sent to smtp-sink in {watch.Elapsed.TotalSeconds:F2} s = {sent / watch.Elapsed.TotalSeconds:F0}/s; server cpu {serverCpu:F1} s ({serverCpu / watch.Elapsed.TotalSeconds:F2} cores busy)");
        foreach (var (path, values) in latencies)
            Console.WriteLine($"  GET {path} while sending: n={values.Count} p50={Measure.Percentile(values, 0.50):F1} ms p95={Measure.Percentile(values, 0.95):F1} ms max={values.DefaultIfEmpty().Max():F1} ms");
        if (errors > 0) Console.WriteLine($"  {errors} page loads did not answer 200");
        return (watch.Elapsed.TotalSeconds, serverCpu);
    }

    /// <summary>utime + stime of a process, from /proc (clock ticks of 1/100 s).</summary>
    internal static double ServerCpuSeconds(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }
}
