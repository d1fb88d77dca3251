using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Triton.Core.Campaigns;
using Triton.Core.Domain;
using Triton.Core.Sending;

namespace Triton.Bench;

/// <summary>
/// The campaign engine on SQLite: the enqueue phase alone against sqlite3's CSV .import of the same
/// rows, then the whole campaign through the hosted engine until Finished.
/// </summary>
public static class EngineBench
{
    /// <summary>A short newsletter (about 1 KB rendered) with columns, a variable and the inliner on.</summary>
    internal const string Template = """
        <html><head><style>p { color: #333; font-family: sans-serif; } .cta { color: #fff; background: #06c; }</style></head>
        <body><h1>Hello {{first_name}}</h1>
        <p>Thanks for reading, {{first_name}} from {{city}}. This week: {{greeting}}.</p>
        <p>Our news of the week, the events near {{city}}, and what changed in the product since your last visit.</p>
        <p><a class="cta" href="https://example.test/read?u={{user_id}}">Read the full issue</a></p>
        <p>You receive this at {{email}}. <a href="https://example.test/unsubscribe?u={{user_id}}">Unsubscribe</a>.</p>
        </body></html>
        """;

    public static async Task RunAsync(int size, string variant)
    {
        var instant = variant == "instant";
        await using var bench = await BenchHost.CreateAsync(instant);
        var options = bench.Services.GetRequiredService<IOptions<SendingOptions>>().Value;
        Console.WriteLine($"sending options: workers={options.Workers} enqueueBatch={options.EnqueueBatchSize} claimBatch={options.ClaimBatchSize} resultBatch={options.ResultBatchSize}");

        var (listId, templateId, transportId) = await bench.CreateContentAsync(Template);
        var seed = Stopwatch.StartNew();
        await bench.SeedRecipientsAsync(listId, size);
        Console.WriteLine($"seeded {size} recipients in {seed.Elapsed.TotalSeconds:F2} s (setup, not a figure)");

        await EnqueueAsync(bench, size, listId, templateId, transportId, options.EnqueueBatchSize);
        await Sqlite3ImportAsync(size);
        Console.WriteLine($"peak resident memory before the engine starts: {Measure.PeakMegabytes()} MB");

        var campaignId = await bench.CreateCampaignAsync("Whole campaign", listId, templateId, transportId);
        await RunCampaignAsync(bench, campaignId, $"triton whole campaign ({variant} transport)");
        if (!instant)
            Console.WriteLine($"  .eml files in pickup: {Directory.EnumerateFiles(Path.Combine(bench.DataDirectory, "pickup")).Count()}");
    }

    /// <summary>
    /// Starts the engine, runs the campaign from the Run command until it is Finished (enqueue,
    /// render, send and status writes all inside), stops the engine; reports the rate and the peak
    /// resident set of this phase alone.
    /// </summary>
    /// <param name="warmUpCampaignId">
    /// A campaign run first in the same host, not measured: each host has its own service container and EF Core query
    /// cache, whose code .NET compiles on first use, so a measured campaign on a new host paid that compilation.
    /// </param>
    public static async Task<(Campaign Campaign, Throughput Phase)> RunCampaignAsync(BenchHost bench, int campaignId, string label, int? warmUpCampaignId = null)
    {
        await bench.StartAsync();
        if (warmUpCampaignId is { } warmUp) await RunToEndAsync(bench, warmUp);
        await Measure.SettleCompilationAsync();
        Measure.ResetPeak();
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        var compiling = System.Runtime.JitInfo.GetCompilationTime();
        var cpu = Measure.CpuTime();
        var mark = PhaseMark.Take();
        var watch = Stopwatch.StartNew();
        var campaign = await RunToEndAsync(bench, campaignId);
        watch.Stop();
        cpu = Measure.CpuTime() - cpu;
        var phase = Measure.Phase($"{label}, messages", campaign.Progress.Sent, watch.Elapsed, cpu);
        Console.WriteLine($"  methods compiled meanwhile: {System.Runtime.JitInfo.GetCompiledMethodCount() - compiled} in {(System.Runtime.JitInfo.GetCompilationTime() - compiling).TotalMilliseconds:F0} ms");
        mark.Report(campaign.Progress.Sent);
        Console.WriteLine($"  sent={campaign.Progress.Sent} failed={campaign.Progress.Failed} bounced={campaign.Progress.Bounced} plan={campaign.Progress.Plan}");
        if (campaign.Progress.Sent != campaign.Progress.Plan) Console.WriteLine("  NOT EVERY PLANNED MESSAGE WAS SENT");
        await bench.Host.StopAsync();
        return (campaign, phase);
    }

    /// <summary>
    /// Runs the campaign and waits for Finished through the engine's progress feed (which publishes a change of state
    /// at once), as the admin learns of it: polling the database every few milliseconds cost the measured process
    /// a few percent of its CPU.
    /// </summary>
    private static async Task<Campaign> RunToEndAsync(BenchHost bench, int campaignId)
    {
        var feed = bench.Services.GetRequiredService<ICampaignProgressFeed>();
        using var subscribed = new CancellationTokenSource();
        var finished = UntilFinishedAsync(feed, campaignId, subscribed.Token);
        var result = await bench.Services.GetRequiredService<ICampaignCommands>().RunAsync(campaignId, CancellationToken.None);
        if (result.Status != CommandStatus.Done) throw new InvalidOperationException($"run refused: {result}");
        try
        {
            await finished;
        }
        finally
        {
            await subscribed.CancelAsync();
        }
        return await bench.CampaignAsync(campaignId);
    }

    private static async Task UntilFinishedAsync(ICampaignProgressFeed feed, int campaignId, CancellationToken cancellationToken)
    {
        await foreach (var snapshot in feed.SubscribeAsync(cancellationToken))
        {
            if (snapshot.CampaignId != campaignId) continue;
            if (snapshot.State == CampaignState.Finished) return;
            // Idle is not checked: a snapshot from before the Run (the campaign's creation) may still arrive.
            if (snapshot.State == CampaignState.Paused)
                throw new InvalidOperationException($"campaign is {snapshot.State}: {snapshot.StateReason}");
        }
    }

    /// <summary>The enqueue phase alone, exactly as the engine runs it, on a campaign the engine does not run.</summary>
    private static async Task EnqueueAsync(BenchHost bench, int size, int listId, int templateId, int transportId, int batchSize)
    {
        var campaignId = await bench.CreateCampaignAsync("Enqueue only", listId, templateId, transportId);
        var store = bench.Services.GetRequiredService<DeliveryStore>();
        var watch = Stopwatch.StartNew();
        await store.InitializeGenerationAsync(campaignId, 1, listId, CancellationToken.None);
        long rows = 0;
        while (true)
        {
            var step = await store.EnqueueBatchAsync(campaignId, 1, listId, batchSize, CancellationToken.None);
            rows += step.Inserted;
            if (step.Done) break;
        }
        watch.Stop();
        if (rows != size) throw new InvalidOperationException($"enqueued {rows} of {size}");
        Measure.Report($"triton enqueue (batch {batchSize}), rows", rows, watch.Elapsed);
        EnqueueSeconds = watch.Elapsed.TotalSeconds;

        await StoreAloneAsync(bench, store, campaignId);

        // The whole-campaign run must not find a million leftover rows in its way.
        await using var connection = new SqliteConnection($"Data Source={bench.DatabasePath}");
        await connection.OpenAsync();
        await using var delete = connection.CreateCommand();
        delete.CommandText = $"DELETE FROM deliveries WHERE campaign_id = {campaignId}; DELETE FROM campaigns WHERE id = {campaignId};";
        await delete.ExecuteNonQueryAsync();
    }

    private static double EnqueueSeconds;

    /// <summary>
    /// Where the time goes: the engine's per-delivery work measured alone and single-threaded on the
    /// enqueued campaign: claims, result writes (each claim's jobs recorded before the next claim, as
    /// the engine keeps few leased rows ahead), then rendering.
    /// </summary>
    private static async Task StoreAloneAsync(BenchHost bench, DeliveryStore store, int campaignId)
    {
        var options = bench.Services.GetRequiredService<IOptions<SendingOptions>>().Value;
        var owner = "bench-owner";
        var campaign = await bench.CampaignAsync(campaignId);
        await using var db = await bench.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Triton.Core.Data.TritonDbContext>>().CreateDbContextAsync();
        var composer = await Triton.Core.Templates.MessageComposer.CreateAsync(bench.Services.GetRequiredService<Triton.Core.Templates.TemplateCache>(),
            bench.Services.GetRequiredService<Triton.Core.Templates.TemplateCompiler>(), db, campaign, null, CancellationToken.None);
        var claiming = new Stopwatch();
        var rendering = new Stopwatch();
        var recording = new Stopwatch();
        long rows = 0, chars = 0;
        while (true)
        {
            claiming.Start();
            var jobs = await store.ClaimAsync(campaignId, 1, owner, options.ClaimBatchSize, TimeSpan.FromMinutes(30), false, CancellationToken.None);
            claiming.Stop();
            if (jobs.Count == 0) break;
            rows += jobs.Count;
            rendering.Start();
            foreach (var job in jobs) chars += composer.Compose(job.Email, job.UserId, job.Fields, 0).Html!.Length;
            rendering.Stop();
            var results = jobs.Select(j => new DeliveryResult(j.Id, campaignId, 1, 0, DeliveryStatus.Sent, 1, "250 ok", 250, 0, 0, false)).ToList();
            recording.Start();
            foreach (var chunk in results.Chunk(options.ResultBatchSize)) await store.RecordAsync(chunk, owner, CancellationToken.None);
            recording.Stop();
        }
        Measure.Report($"  alone: claim (batch {options.ClaimBatchSize}), rows", rows, claiming.Elapsed);
        Measure.Report($"  alone: render on one core ({chars / rows} chars of HTML each), messages", rows, rendering.Elapsed);
        Measure.Report($"  alone: record (batch {options.ResultBatchSize}), rows", rows, recording.Elapsed);
    }

    /// <summary>The peer: sqlite3's CSV .import of the same rows into a similar table in a fresh file.</summary>
    private static async Task Sqlite3ImportAsync(int size)
    {
        var directory = Directory.CreateTempSubdirectory("triton-bench-sqlite3-").FullName;
        try
        {
            var csv = Path.Combine(directory, "rows.csv");
            await using (var writer = new StreamWriter(csv, false, new UTF8Encoding(false), 1 << 16))
                for (var i = 0; i < size; i++)
                {
                    var (email, user, fields) = BenchHost.Row(i);
                    await writer.WriteAsync($"{email},{user},\"{fields.Replace("\"", "\"\"")}\"\n");
                }
            var script = $"""
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=NORMAL;
                CREATE TABLE deliveries (email TEXT NOT NULL, user_id TEXT, fields TEXT NOT NULL);
                .mode csv
                .import {csv} deliveries
                SELECT COUNT(*) FROM deliveries;
                """;
            var elapsed = await Measure.Sqlite3Async(Path.Combine(directory, "peer.db"), script);
            Measure.Report("sqlite3 .import (peer), rows", size, elapsed);
            Console.WriteLine($"ratio triton enqueue / sqlite3 .import: {elapsed.TotalSeconds / EnqueueSeconds:F2}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
