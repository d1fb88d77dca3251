using System.Diagnostics;
using HandlebarsDotNet;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Templates;
using Triton.Core.Tracking;

namespace Triton.Bench;

/// <summary>
/// Renders the newsletter on one thread as one worker does per message: MessageComposer built through
/// the TemplateCache (CSS inlined once, at compile), then Compose per recipient (context from the
/// recipient's JSON fields, subject and body). The peer is plain Handlebars.Net rendering the same
/// inlined markup with the same context objects.
/// </summary>
public static class RenderBench
{
    public static async Task RunAsync(int count)
    {
        await using var bench = await BenchHost.CreateAsync(instant: true, new Dictionary<string, string?>
        {
            ["Triton:PublicUrl"] = "https://mail.example.test",
            // A shared, loaded machine can take longer than the default to inline the newsletter once.
            ["Templates:InlineCssTimeoutMilliseconds"] = "60000",
        });
        var composer = await ComposerAsync(bench, Newsletter.Markup());
        var recipients = Enumerable.Range(0, 1000).Select(BenchHost.Row).ToArray();

        for (var i = 0; i < 5_000; i++) composer.Compose(recipients[i % 1000].Email, recipients[i % 1000].UserId, recipients[i % 1000].Fields, 0); // JIT warm-up
        var sample = composer.Compose("ada@example.test", "u1", recipients[1].Fields, 0);
        Console.WriteLine($"template: {Newsletter.Markup().Length} chars of markup; rendered HTML {sample.Html!.Length} chars; subject \"{sample.Subject}\"");

        Measure.ResetPeak();
        long chars = 0;
        var cpu = Measure.CpuTime();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var (email, user, fields) = recipients[i % recipients.Length];
            chars += composer.Compose(email, user, fields, 0).Html!.Length;
        }
        watch.Stop();
        cpu = Measure.CpuTime() - cpu;
        var triton = Measure.Report("triton MessageComposer.Compose on one thread, messages", count, watch.Elapsed, cpu);
        Console.WriteLine($"  per CPU-second of this process: {count / cpu.TotalSeconds:F0} renders (robust to other load on the machine)");

        // The same with open and click tracking: a pixel and a signed link per <a href> in every message.
        var tracked = await ComposerAsync(bench, Newsletter.Markup(), tracked: true);
        for (var i = 0; i < 5_000; i++) tracked.Compose(recipients[i % 1000].Email, recipients[i % 1000].UserId, recipients[i % 1000].Fields, 0, trackingReference: i);
        var trackedSample = tracked.Compose("ada@example.test", "u1", recipients[1].Fields, 0, trackingReference: 1).Html!;
        Console.WriteLine($"tracked: rendered HTML {trackedSample.Length} chars, {trackedSample.Split("/t/c/").Length - 1} links rewritten, pixel {(trackedSample.Contains("/t/o/") ? "added" : "missing")}");
        long trackedChars = 0;
        var trackedCpu = Measure.CpuTime();
        watch.Restart();
        for (var i = 0; i < count; i++)
        {
            var (email, user, fields) = recipients[i % recipients.Length];
            trackedChars += tracked.Compose(email, user, fields, 0, trackingReference: i).Html!.Length;
        }
        watch.Stop();
        trackedCpu = Measure.CpuTime() - trackedCpu;
        var withTracking = Measure.Report("triton Compose with open and click tracking, one thread, messages", count, watch.Elapsed, trackedCpu);
        Console.WriteLine($"  per CPU-second of this process: {count / trackedCpu.TotalSeconds:F0} renders");
        Measure.Ratio("tracked compose / untracked compose (per CPU-second)", count / trackedCpu.TotalSeconds, count / cpu.TotalSeconds);

        // Peer: the same inlined markup compiled by plain Handlebars.Net, the same context dictionaries.
        var inliner = new CssInliner();
        var markup = Newsletter.Markup();
        var inlined = inliner.Inline(markup, inliner.CollectStyles([markup]), keepMediaRules: true);
        var plain = Handlebars.Create().Compile(inlined);
        var context = new RenderContextBuilder(Newsletter.Variables());
        for (var i = 0; i < 5_000; i++) plain(context.Build(recipients[i % 1000].Email, recipients[i % 1000].UserId, recipients[i % 1000].Fields));
        long peerChars = 0;
        var peerCpu = Measure.CpuTime();
        watch.Restart();
        for (var i = 0; i < count; i++)
        {
            var (email, user, fields) = recipients[i % recipients.Length];
            peerChars += plain(context.Build(email, user, fields)).Length;
        }
        watch.Stop();
        peerCpu = Measure.CpuTime() - peerCpu;
        var peer = Measure.Report("peer: plain Handlebars.Net body only, same context, one thread, renders", count, watch.Elapsed, peerCpu);
        Console.WriteLine($"  per CPU-second of this process: {count / peerCpu.TotalSeconds:F0} renders");
        Console.WriteLine($"  chars per render: triton {chars / count}, peer {peerChars / count}");
        Measure.Ratio("triton compose / plain Handlebars.Net (wall)", triton, peer);
        Measure.Ratio("triton compose / plain Handlebars.Net (per CPU-second)", count / cpu.TotalSeconds, count / peerCpu.TotalSeconds);
    }

    private static async Task<MessageComposer> ComposerAsync(BenchHost bench, string markup, bool tracked = false)
    {
        await using var db = await bench.Services.GetRequiredService<IDbContextFactory<TritonDbContext>>().CreateDbContextAsync();
        // The tracked composer renders the same content as the first one.
        var first = tracked ? await db.Campaigns.OrderBy(c => c.Id).Select(c => new { c.ListId, c.TemplateId, c.TransportId }).FirstAsync() : null;
        var (listId, templateId, transportId) = first is not null ? (first.ListId, first.TemplateId, first.TransportId) : await bench.CreateContentAsync(markup);
        var campaignId = await bench.CreateCampaignAsync("Render" + (tracked ? " tracked" : ""), listId, templateId, transportId, Newsletter.Subject, Newsletter.Variables());
        if (tracked)
        {
            var category = new TrackingCategory { Name = "Render bench" };
            db.TrackingCategories.Add(category);
            await db.SaveChangesAsync();
            await db.Campaigns.Where(c => c.Id == campaignId).ExecuteUpdateAsync(s => s.SetProperty(c => c.TrackingCategoryId, category.Id));
        }
        var campaign = await bench.CampaignAsync(campaignId);
        var compile = Stopwatch.StartNew();
        var composer = await MessageComposer.CreateAsync(bench.Services.GetRequiredService<TemplateCache>(),
            bench.Services.GetRequiredService<TemplateCompiler>(), db, campaign, null, CancellationToken.None,
            tracked ? bench.Services.GetRequiredService<TrackingLinks>() : null);
        Console.WriteLine($"compile through TemplateCache with CSS inlining: {compile.Elapsed.TotalMilliseconds:F0} ms (once per run)");
        return composer;
    }
}
