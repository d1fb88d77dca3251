using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Bounces;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Mail.Mime;
using Triton.Core.Suppressions;
using Triton.Core.Templates;

namespace Triton.Bench;

/// <summary>
/// Sending newsletters to Postfix's smtp-sink on loopback. For each newsletter of <see cref="Newsletter.Samples"/>, in
/// one run: Triton's whole campaign (enqueue, render, send, status writes on SQLite), Triton's SMTP transport alone
/// with the campaign's own rendering of one recipient, and nodemailer with a pool of the same size, each with its CPU
/// per message; then System.Net.Mail's SmtpClient on the first newsletter (a new client per message, as it cannot pool).
/// </summary>
public static class SmtpBench
{
    /// <param name="Ratios">Campaign CPU ÷ transport CPU per message of each round (campaign, then transport alone, alternating).</param>
    /// <param name="CampaignRates">The whole campaign's rate in each round: (b) is read from their median, as (a) from its ratios'.</param>
    private sealed record Row(string Newsletter, int HtmlChars, int MimeBytes, Throughput Campaign, Throughput Transport, Throughput Nodemailer,
        IReadOnlyList<double> Ratios, IReadOnlyList<double> CampaignRates);

    public static async Task RunAsync(int count, int pool, int systemNetMailCount)
    {
        await using var sink = await SmtpSink.StartAsync();
        Console.WriteLine($"pool: {pool} connections for every sender; {count} messages per newsletter and sender (System.Net.Mail: {systemNetMailCount})");
        await WarmUpAsync(sink.Port, pool, Math.Min(count, 2_000));
        var rows = new List<Row>();
        OutgoingMessage? first = null;
        // BENCH_NEWSLETTERS=sloppy,plain measures only those (for profiling one); the documented run measures all three.
        var only = Environment.GetEnvironmentVariable("BENCH_NEWSLETTERS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var newsletter in Newsletter.Samples().Where(n => only is not { Length: > 0 } || only.Contains(n.Name)))
        {
            Console.WriteLine();
            Console.WriteLine($"## {newsletter.Name} ({File.ReadAllText("/proc/loadavg").Trim()})");
            var (campaign, transport, sample, mimeBytes) = await PairAsync(sink.Port, pool, newsletter, count, first: true);
            first ??= sample;
            List<double> ratios = [campaign.CpuMsPerMessage / transport.CpuMsPerMessage];
            List<double> rates = [campaign.Rate];
            // BENCH_ROUNDS=N: N-1 more rounds of the same two phases (each on a fresh engine, as the first), so (a) is read
            // as the median of adjacent pairs rather than one pair that the machine's other load may have split.
            for (var round = 2; round <= Rounds(); round++)
            {
                Console.WriteLine($"### {newsletter.Name}, round {round} ({File.ReadAllText("/proc/loadavg").Trim()})");
                var (campaignRound, transportRound, _, _) = await PairAsync(sink.Port, pool, newsletter, count, first: false);
                ratios.Add(campaignRound.CpuMsPerMessage / transportRound.CpuMsPerMessage);
                rates.Add(campaignRound.Rate);
                Console.WriteLine($"  round {round}: campaign CPU / transport CPU {ratios[^1]:F2}");
            }
            if (ratios.Count > 1)
                Console.WriteLine($"campaign CPU / transport CPU by round: {string.Join(", ", ratios.Select(r => r.ToString("F2")))}; median {Measure.Percentile(ratios, 0.5):F2}");
            var node = await NodemailerAsync(sink.Port, sample, count, pool);
            rows.Add(new Row(newsletter.Name, sample.Html!.Length, mimeBytes, campaign, transport, node, ratios, rates));
        }

        Console.WriteLine();
        var systemNetMailRate = await SystemNetMailAsync(sink.Port, first!, systemNetMailCount, pool);
        Console.WriteLine($"smtp-sink peak rss: {Measure.PeakMegabytes(sink.ProcessId)} MB");
        Summarize(rows);
        Measure.Ratio("triton transport alone / System.Net.Mail (first newsletter)", rows[0].Transport.Rate, systemNetMailRate);
    }

    /// <summary>
    /// One round of the two measured phases on a fresh engine: the newsletter's whole campaign (after a warm-up campaign of
    /// as many messages in the same host: the steady state of a running server, as nodemailer's measured messages follow
    /// its own warm-up), then the transport alone sending the campaign's own rendering of one recipient.
    /// </summary>
    private static async Task<(Throughput Campaign, Throughput Transport, OutgoingMessage Sample, int MimeBytes)> PairAsync(
        int port, int pool, NewsletterSample newsletter, int count, bool first)
    {
        var transportRow = SinkTransport(port, pool);
        await using var bench = await BenchHost.CreateAsync(instant: false);
        var (listId, templateId, transportId) = await bench.CreateContentAsync(newsletter.Markup, transportRow);
        await bench.SeedRecipientsAsync(listId, count);
        var campaignId = await bench.CreateCampaignAsync("SMTP campaign " + newsletter.Name, listId, templateId, transportId, newsletter.Subject,
            newsletter.Variables, concurrency: 2 * pool);
        var warmUpList = await bench.CreateListAsync("Warm-up list");
        await bench.SeedRecipientsAsync(warmUpList, WarmUpMessages(count));
        var warmUpCampaign = await bench.CreateCampaignAsync("SMTP warm-up " + newsletter.Name, warmUpList, templateId, transportId, newsletter.Subject,
            newsletter.Variables, concurrency: 2 * pool);
        var campaign = (await EngineBench.RunCampaignAsync(bench, campaignId, $"triton whole campaign via SMTP (pool {pool}, engine defaults)", warmUpCampaign)).Phase;

        var sample = await SampleAsync(bench, campaignId);
        var builder = bench.Services.GetRequiredService<MimeMessageBuilder>();
        var mime = builder.Build(sample).ToBytes();
        if (first)
        {
            Console.WriteLine($"message: {sample.Html!.Length} chars of HTML; {mime.Length} bytes as MIME (text + HTML, quoted-printable)");
            MimeAlone(builder, sample, Math.Min(count, 20_000));
        }
        var transport = await TransportAloneAsync(bench, transportRow, sample, count, pool);
        return (campaign, transport, sample, mime.Length);
    }

    /// <summary>
    /// Campaign and transport rounds of the first newsletter, not measured, until a round compiles almost no new code:
    /// .NET compiles methods first quickly, then again optimized in the background, and on a loaded machine that takes
    /// minutes. Without this the first newsletter's whole campaign ran on half-compiled code (twice the CPU per message
    /// of the phases after it) and the ratios compared compilation, not sending.
    /// </summary>
    private static async Task WarmUpAsync(int port, int pool, int count)
    {
        var newsletter = Newsletter.Samples()[0];
        for (var round = 1; round <= 8; round++)
        {
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            var transportRow = SinkTransport(port, pool);
            await using var bench = await BenchHost.CreateAsync(instant: false);
            var (listId, templateId, transportId) = await bench.CreateContentAsync(newsletter.Markup, transportRow);
            await bench.SeedRecipientsAsync(listId, count);
            var campaignId = await bench.CreateCampaignAsync("warm-up", listId, templateId, transportId, newsletter.Subject, newsletter.Variables, concurrency: 2 * pool);
            await EngineBench.RunCampaignAsync(bench, campaignId, $"warm-up round {round} (not measured): whole campaign");
            await TransportAloneAsync(bench, transportRow, await SampleAsync(bench, campaignId), count, pool);
            var added = System.Runtime.JitInfo.GetCompiledMethodCount() - compiled;
            Console.WriteLine($"  warm-up round {round}: {added} methods compiled; {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F1} s compiling so far");
            if (round > 1 && added < 100) break;
        }
    }

    /// <summary>
    /// Messages each sender sends unmeasured before its measured ones (Triton's warm-up campaign, nodemailer's warm-up
    /// sends): as many as it measures. After 2,000, .NET's tiered compiler still compiled 2,347 methods during a measured
    /// campaign of 20,000 (its background thread had not caught up with the warm-up's hot paths); after 20,000, it compiled 46.
    /// </summary>
    private static int WarmUpMessages(int count) => count;

    /// <summary>The one-run table: rates, CPU per message and the goals' ratios for every newsletter.</summary>
    private static void Summarize(List<Row> rows)
    {
        Console.WriteLine();
        Console.WriteLine("| newsletter | HTML chars / MIME bytes | whole campaign | CPU/msg | transport alone | CPU/msg | nodemailer | CPU/msg | campaign CPU / transport CPU | campaign / nodemailer rate | transport / nodemailer rate |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            Console.WriteLine($"| {r.Newsletter} | {r.HtmlChars:N0} / {r.MimeBytes:N0} | {r.Campaign.Rate:N0}/s | {r.Campaign.CpuMsPerMessage:F2} ms | " +
                $"{r.Transport.Rate:N0}/s | {r.Transport.CpuMsPerMessage:F2} ms | {r.Nodemailer.Rate:N0}/s | {r.Nodemailer.CpuMsPerMessage:F2} ms | " +
                $"{Ratio(r)} | {AgainstNodemailer(r)} | {r.Transport.Rate / r.Nodemailer.Rate:F2} |");

        static string Ratio(Row r) => OverRounds(r.Ratios, "median of");

        // One nodemailer run against the median of the campaign's rounds: a first round the machine's other load slowed
        // (0.85 cores busy instead of 1.4) once decided (b) alone.
        static string AgainstNodemailer(Row r) => OverRounds([.. r.CampaignRates.Select(rate => rate / r.Nodemailer.Rate)], "median rate of");

        static string OverRounds(IReadOnlyList<double> values, string what) => values.Count == 1 ? values[0].ToString("F2")
            : $"{Measure.Percentile(values, 0.5):F2} ({what} {values.Count} rounds, {values.Min():F2} to {values.Max():F2})";
    }

    private static int Rounds() => int.TryParse(Environment.GetEnvironmentVariable("BENCH_ROUNDS"), out var rounds) && rounds > 1 ? rounds : 1;

    /// <summary>
    /// The transport alone on the realistic newsletter, for comparing transports across commits: run it alternating
    /// with the same phase of another build (one process each), rounds in one process otherwise.
    /// </summary>
    public static async Task TransportOnlyAsync(int count, int pool, int rounds)
    {
        await using var sink = await SmtpSink.StartAsync();
        var transportRow = SinkTransport(sink.Port, pool);
        await using var bench = await BenchHost.CreateAsync(instant: false);
        var newsletter = Newsletter.Samples()[0];
        var (listId, templateId, transportId) = await bench.CreateContentAsync(newsletter.Markup, transportRow);
        await bench.SeedRecipientsAsync(listId, 1);
        var campaignId = await bench.CreateCampaignAsync("sample", listId, templateId, transportId, newsletter.Subject, newsletter.Variables, concurrency: 2 * pool);
        var sample = await SampleAsync(bench, campaignId);
        for (var round = 1; round <= rounds; round++)
        {
            Console.WriteLine($"round {round}: load average {File.ReadAllText("/proc/loadavg").Trim()}");
            await TransportAloneAsync(bench, transportRow, sample, count, pool);
        }
    }

    private static Transport SinkTransport(int port, int pool) => new()
    {
        Name = "Sink", Kind = TransportKind.Smtp, Host = "127.0.0.1", Port = port, Security = TransportSecurity.None,
        MaxConnections = pool, MaxMessagesPerConnection = 1000,
    };

    private static async Task<OutgoingMessage> SampleAsync(BenchHost bench, int campaignId)
    {
        var campaign = await bench.CampaignAsync(campaignId);
        await using var db = await bench.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Triton.Core.Data.TritonDbContext>>().CreateDbContextAsync();
        var composer = await MessageComposer.CreateAsync(bench.Services.GetRequiredService<TemplateCache>(),
            bench.Services.GetRequiredService<TemplateCompiler>(), db, campaign, null, CancellationToken.None);
        var (email, user, fields) = BenchHost.Row(1);
        // The envelope the engine adds to each of the campaign's messages (List-Unsubscribe headers, return path), so the
        // transport alone sends what the campaign sends.
        var unsubscribe = await bench.Services.GetRequiredService<Unsubscribes>().ForRunAsync(CancellationToken.None);
        var returnPaths = await bench.Services.GetRequiredService<ReturnPaths>().ForRunAsync(CancellationToken.None);
        const long deliveryId = 10_000; // as many digits as the measured campaign's deliveries
        return composer.Compose(email, user, fields, 0, trackingReference: deliveryId,
            envelope: MessageEnvelope.ForCampaignDelivery(unsubscribe, returnPaths, campaignId, deliveryId, email));
    }

    /// <summary>The transport as the engine builds it, fed the same rendered message from 2 x pool concurrent senders.</summary>
    private static async Task<Throughput> TransportAloneAsync(BenchHost bench, Transport row, OutgoingMessage sample, int count, int pool)
    {
        await using var limiter = TransportRateLimiter.For(row);
        await using var transport = bench.Services.GetRequiredService<SmtpTransportBuilder>().Build(row, limiter);
        return await SendAloneAsync(transport, sample, count, pool, $"triton SmtpTransport alone (pool {pool}, MIME writing included), messages");
    }

    private static async Task<Throughput> SendAloneAsync(IMailTransport transport, OutgoingMessage sample, int count, int pool, string label)
    {
        await transport.SendAsync(To(sample, 0), CancellationToken.None); // connect once before timing
        await Measure.SettleCompilationAsync();
        Measure.ResetPeak();
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        var next = -1;
        long failed = 0;
        var mark = PhaseMark.Take();
        var cpu = Measure.CpuTime();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 2 * pool).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var result = await transport.SendAsync(To(sample, i), CancellationToken.None);
                if (result.Outcome != SendOutcome.Accepted && Interlocked.Increment(ref failed) < 5) Console.WriteLine($"  not accepted: {result.Reply}");
            }
        })));
        watch.Stop();
        cpu = Measure.CpuTime() - cpu;
        if (failed > 0) Console.WriteLine($"  {failed} not accepted");
        var phase = Measure.Phase(label, count - failed, watch.Elapsed, cpu);
        Console.WriteLine($"  methods compiled meanwhile: {System.Runtime.JitInfo.GetCompiledMethodCount() - compiled}");
        mark.Report(count - failed);
        return phase;
    }

    /// <summary>Where the transport's CPU goes: the text part derived from the HTML, and the whole MIME rendering, on one thread.</summary>
    private static void MimeAlone(MimeMessageBuilder writer, OutgoingMessage sample, int count)
    {
        for (var i = 0; i < 200; i++) writer.Build(To(sample, i)).ToBytes();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) HtmlToText.Convert(sample.Html!);
        Measure.Report("  alone: HtmlToText.Convert (the text part) on one thread, messages", count, watch.Elapsed);
        Alone("MimeMessageBuilder.Build (text derived, both parts encoded)", i => writer.Build(To(sample, i)));
        Alone("MimeMessageBuilder.Build + ToBytes (text derived, both parts encoded, written)", i => writer.Build(To(sample, i)).ToBytes());

        void Alone(string what, Action<int> build)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            watch.Restart();
            for (var i = 0; i < count; i++) build(i);
            Measure.Report($"  alone: {what} on one thread, messages", count, watch.Elapsed);
            Console.WriteLine($"    {(GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)count / 1024:F1} KB allocated per message");
        }
    }

    private static OutgoingMessage To(OutgoingMessage sample, int i) => new()
    {
        From = sample.From, To = new MailAddress($"user{i}@example.test"), Subject = sample.Subject, Html = sample.Html, Text = sample.Text,
        Headers = sample.Headers, ReturnPath = sample.ReturnPath,
    };

    /// <summary>nodemailer (bench/peers) with the same HTML and the same text part, pool of the same size.</summary>
    private static async Task<Throughput> NodemailerAsync(int port, OutgoingMessage sample, int count, int pool)
    {
        var directory = Directory.CreateTempSubdirectory("triton-bench-node-").FullName;
        try
        {
            var html = Path.Combine(directory, "message.html");
            var text = Path.Combine(directory, "message.txt");
            await File.WriteAllTextAsync(html, sample.Html);
            await File.WriteAllTextAsync(text, sample.Text ?? HtmlToText.Convert(sample.Html!));
            var envelope = Path.Combine(directory, "envelope.json");
            await File.WriteAllTextAsync(envelope, JsonSerializer.Serialize(new
            {
                headers = sample.Headers.Select(h => new { key = h.Key, value = h.Value }),
                returnPath = sample.ReturnPath,
            }));
            var script = Path.Combine(RepositoryPaths.Peers, "nodemailer-bench.js");
            var output = await ChildProcess.RunAsync("node", [script, "127.0.0.1", port.ToString(), count.ToString(), pool.ToString(), html, text, sample.Subject,
                WarmUpMessages(count).ToString(), envelope]);
            using var result = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
            var sent = result.RootElement.GetProperty("sent").GetInt64();
            var seconds = result.RootElement.GetProperty("seconds").GetDouble();
            var cpu = TimeSpan.FromSeconds(result.RootElement.GetProperty("cpuSeconds").GetDouble());
            var phase = new Throughput(sent, TimeSpan.FromSeconds(seconds), cpu);
            Measure.Report($"nodemailer {result.RootElement.GetProperty("version").GetString()} (pool {pool}), messages", sent, phase.Elapsed);
            Console.WriteLine($"  nodemailer: failed={result.RootElement.GetProperty("failed").GetInt64()} cpu {cpu.TotalSeconds:F2} s " +
                $"({phase.CpuMsPerMessage:F3} ms per message); peak rss {result.RootElement.GetProperty("peakMb").GetInt64()} MB");
            return phase;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>System.Net.Mail: SmtpClient cannot pool, so each of the pool's lanes makes a new client per message.</summary>
    private static async Task<double> SystemNetMailAsync(int port, OutgoingMessage sample, int count, int pool)
    {
        var text = HtmlToText.Convert(sample.Html!);
        var next = -1;
        var cpu = Measure.CpuTime();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, pool).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var client = new System.Net.Mail.SmtpClient("127.0.0.1", port);
                using var message = new System.Net.Mail.MailMessage(new System.Net.Mail.MailAddress(sample.From.Address, sample.From.DisplayName),
                    new System.Net.Mail.MailAddress($"user{i}@example.test")) { Subject = sample.Subject, Body = text };
                message.AlternateViews.Add(System.Net.Mail.AlternateView.CreateAlternateViewFromString(sample.Html!, null, "text/html"));
                await client.SendMailAsync(message);
            }
        })));
        watch.Stop();
        cpu = Measure.CpuTime() - cpu;
        return Measure.Report($"System.Net.Mail SmtpClient, new client per message, {pool} in parallel, messages", count, watch.Elapsed, cpu);
    }
}
