using System.Diagnostics;
using HandlebarsDotNet;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Data;
using Triton.Core.Templates;

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
        await using var bench = await BenchHost.CreateAsync(instant: true);
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

    private static async Task<MessageComposer> ComposerAsync(BenchHost bench, string markup)
    {
        var (listId, templateId, transportId) = await bench.CreateContentAsync(markup);
        var campaignId = await bench.CreateCampaignAsync("Render", listId, templateId, transportId, Newsletter.Subject, Newsletter.Variables());
        var campaign = await bench.CampaignAsync(campaignId);
        await using var db = await bench.Services.GetRequiredService<IDbContextFactory<TritonDbContext>>().CreateDbContextAsync();
        var compile = Stopwatch.StartNew();
        var composer = await MessageComposer.CreateAsync(bench.Services.GetRequiredService<TemplateCache>(),
            bench.Services.GetRequiredService<TemplateCompiler>(), db, campaign, null, CancellationToken.None);
        Console.WriteLine($"compile through TemplateCache with CSS inlining: {compile.Elapsed.TotalMilliseconds:F0} ms (once per run)");
        return composer;
    }
}
