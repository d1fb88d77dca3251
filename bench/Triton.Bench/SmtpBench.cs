using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Mail.Mime;
using Triton.Core.Templates;

namespace Triton.Bench;

/// <summary>
/// Sending the newsletter to Postfix's smtp-sink on loopback: Triton's whole campaign (enqueue,
/// render, send, status writes on SQLite), Triton's SMTP transport alone, nodemailer with a pool of
/// the same size, and System.Net.Mail's SmtpClient (a new client per message, as it cannot pool).
/// </summary>
public static class SmtpBench
{
    public static async Task RunAsync(int count, int pool, int systemNetMailCount)
    {
        await using var sink = await SmtpSink.StartAsync();
        Console.WriteLine($"pool: {pool} connections for every sender; {count} messages (System.Net.Mail: {systemNetMailCount})");
        var transportRow = new Transport
        {
            Name = "Sink", Kind = TransportKind.Smtp, Host = "127.0.0.1", Port = sink.Port, Security = TransportSecurity.None,
            MaxConnections = pool, MaxMessagesPerConnection = 1000,
        };

        await using var bench = await BenchHost.CreateAsync(instant: false);
        var (listId, templateId, transportId) = await bench.CreateContentAsync(Newsletter.Markup(), transportRow);
        await bench.SeedRecipientsAsync(listId, count);
        var campaignId = await bench.CreateCampaignAsync("SMTP campaign", listId, templateId, transportId, Newsletter.Subject, Newsletter.Variables(), concurrency: 2 * pool);
        var campaignRate = (await EngineBench.RunCampaignAsync(bench, campaignId, $"triton whole campaign via SMTP (pool {pool}, engine defaults)")).Rate;

        // The message the other senders repeat: the campaign's own rendering of one recipient.
        var sample = await SampleAsync(bench, campaignId);
        var mime = bench.Services.GetRequiredService<MimeMessageBuilder>().Build(sample).ToBytes();
        Console.WriteLine($"message: {sample.Html!.Length} chars of HTML; {mime.Length} bytes as MIME (text + HTML, quoted-printable)");

        MimeAlone(bench.Services.GetRequiredService<MimeMessageBuilder>(), sample, Math.Min(count, 20_000));
        var transportRate = await TransportAloneAsync(bench, transportRow, sample, count, pool);
        var nodeRate = await NodemailerAsync(sink.Port, sample, count, pool);
        var systemNetMailRate = await SystemNetMailAsync(sink.Port, sample, systemNetMailCount, pool);

        Console.WriteLine($"smtp-sink peak rss: {Measure.PeakMegabytes(sink.ProcessId)} MB");
        Measure.Ratio("triton whole campaign / nodemailer", campaignRate, nodeRate);
        Measure.Ratio("triton transport alone / nodemailer", transportRate, nodeRate);
        Measure.Ratio("triton transport alone / System.Net.Mail", transportRate, systemNetMailRate);
        Measure.Ratio("nodemailer / System.Net.Mail", nodeRate, systemNetMailRate);
    }

    private static async Task<OutgoingMessage> SampleAsync(BenchHost bench, int campaignId)
    {
        var campaign = await bench.CampaignAsync(campaignId);
        await using var db = await bench.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Triton.Core.Data.TritonDbContext>>().CreateDbContextAsync();
        var composer = await MessageComposer.CreateAsync(bench.Services.GetRequiredService<TemplateCache>(),
            bench.Services.GetRequiredService<TemplateCompiler>(), db, campaign, null, CancellationToken.None);
        var (email, user, fields) = BenchHost.Row(1);
        return composer.Compose(email, user, fields, 0);
    }

    /// <summary>The transport as the engine builds it, fed the same rendered message from 2 x pool concurrent senders.</summary>
    private static async Task<double> TransportAloneAsync(BenchHost bench, Transport row, OutgoingMessage sample, int count, int pool)
    {
        await using var limiter = TransportRateLimiter.For(row);
        await using var transport = bench.Services.GetRequiredService<SmtpTransportBuilder>().Build(row, limiter);
        return await SendAloneAsync(transport, sample, count, pool, $"triton SmtpTransport alone (pool {pool}, MIME writing included), messages");
    }

    private static async Task<double> SendAloneAsync(IMailTransport transport, OutgoingMessage sample, int count, int pool, string label)
    {
        await transport.SendAsync(To(sample, 0), CancellationToken.None); // connect once before timing
        Measure.ResetPeak();
        var next = -1;
        long failed = 0;
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
        return Measure.Report(label, count - failed, watch.Elapsed, cpu);
    }

    /// <summary>Where the transport's CPU goes: the text part derived from the HTML, and the whole MIME rendering, on one thread.</summary>
    private static void MimeAlone(MimeMessageBuilder writer, OutgoingMessage sample, int count)
    {
        for (var i = 0; i < 200; i++) writer.Build(To(sample, i)).ToBytes();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) HtmlToText.Convert(sample.Html!);
        Measure.Report("  alone: HtmlToText.Convert (the text part) on one thread, messages", count, watch.Elapsed);
        watch.Restart();
        for (var i = 0; i < count; i++) writer.Build(To(sample, i)).ToBytes();
        Measure.Report("  alone: MimeMessageBuilder.Build + ToBytes (text derived, both parts encoded, written) on one thread, messages", count, watch.Elapsed);
    }

    private static OutgoingMessage To(OutgoingMessage sample, int i) => new()
    {
        From = sample.From, To = new MailAddress($"user{i}@example.test"), Subject = sample.Subject, Html = sample.Html, Headers = sample.Headers,
    };

    /// <summary>nodemailer (bench/peers) with the same HTML and the same text part, pool of the same size.</summary>
    private static async Task<double> NodemailerAsync(int port, OutgoingMessage sample, int count, int pool)
    {
        var directory = Directory.CreateTempSubdirectory("triton-bench-node-").FullName;
        try
        {
            var html = Path.Combine(directory, "message.html");
            var text = Path.Combine(directory, "message.txt");
            await File.WriteAllTextAsync(html, sample.Html);
            await File.WriteAllTextAsync(text, HtmlToText.Convert(sample.Html!));
            var script = Path.Combine(RepositoryPaths.Peers, "nodemailer-bench.js");
            var output = await ChildProcess.RunAsync("node", [script, "127.0.0.1", port.ToString(), count.ToString(), pool.ToString(), html, text, sample.Subject]);
            using var result = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
            var sent = result.RootElement.GetProperty("sent").GetInt64();
            var seconds = result.RootElement.GetProperty("seconds").GetDouble();
            var rate = Measure.Report($"nodemailer {result.RootElement.GetProperty("version").GetString()} (pool {pool}), messages", sent, TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"  nodemailer: failed={result.RootElement.GetProperty("failed").GetInt64()} cpu {result.RootElement.GetProperty("cpuSeconds").GetDouble():F2} s; peak rss {result.RootElement.GetProperty("peakMb").GetInt64()} MB");
            return rate;
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
