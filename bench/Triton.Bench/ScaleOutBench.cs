using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using NpgsqlTypes;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;

namespace Triton.Bench;

/// <summary>
/// One campaign on the instant transport sent by one, two, then three engine processes sharing one
/// PostgreSQL database (docs/SCALING.md): each size on a fresh database, the processes started and
/// ready before the campaign is released, the time from release to Finished measured. Needs
/// TRITON_BENCH_POSTGRES, a connection string allowed to create databases (scripts/bench.sh starts a
/// throwaway server and sets it).
/// </summary>
public static class ScaleOutBench
{
    public const string EnvironmentVariable = "TRITON_BENCH_POSTGRES";

    public static async Task RunAsync(int recipients, int maxProcesses, int fromProcesses = 1)
    {
        var admin = Environment.GetEnvironmentVariable(EnvironmentVariable)
            ?? throw new InvalidOperationException($"{EnvironmentVariable} is not set: scripts/bench.sh scaleout starts a PostgreSQL server and sets it.");
        for (var processes = fromProcesses; processes <= maxProcesses; processes++)
            await RunOnceAsync(admin, recipients, processes);
    }

    private static async Task RunOnceAsync(string admin, int recipients, int processes)
    {
        var name = $"triton_bench_scale_{processes}_{Guid.NewGuid():N}"[..40];
        await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        var children = new List<Process>();
        try
        {
            await using var bench = await BenchHost.CreateAsync(instant: true, Settings(connectionString));
            var (listId, templateId, transportId) = await bench.CreateContentAsync(EngineBench.Template);
            await SeedAsync(connectionString, listId, recipients);
            var campaignId = await bench.CreateCampaignAsync("Scale-out campaign", listId, templateId, transportId);

            for (var i = 0; i < processes; i++) children.Add(StartWorker(connectionString));
            foreach (var child in children) await WaitForLineAsync(child, "ready");

            var watch = Stopwatch.StartNew();
            await using (var db = await bench.Services.GetRequiredService<IDbContextFactory<TritonDbContext>>().CreateDbContextAsync())
                await db.Campaigns.Where(c => c.Id == campaignId).ExecuteUpdateAsync(s => s.SetProperty(c => c.State, CampaignState.Pending));
            Campaign campaign;
            while ((campaign = await bench.CampaignAsync(campaignId)).State != CampaignState.Finished)
            {
                if (campaign.State is CampaignState.Paused or CampaignState.Idle && watch.Elapsed > TimeSpan.FromSeconds(5))
                    throw new InvalidOperationException($"campaign is {campaign.State}: {campaign.StateReason}");
                if (watch.Elapsed > TimeSpan.FromMinutes(30)) throw new TimeoutException($"campaign is {campaign.State} after 30 minutes");
                await Task.Delay(20);
            }
            watch.Stop();

            var shares = new List<string>();
            var cpu = TimeSpan.Zero;
            foreach (var child in children)
            {
                child.StandardInput.Close(); // asks the worker to stop and report
                shares.Add(await WaitForLineAsync(child, "sent"));
                await child.WaitForExitAsync();
            }
            foreach (var share in shares) cpu += TimeSpan.FromSeconds(double.Parse(share.Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture));
            Console.WriteLine($"triton scale-out, {processes} process(es), instant transport, messages: {campaign.Progress.Sent} in {watch.Elapsed.TotalSeconds:F2} s = {campaign.Progress.Sent / watch.Elapsed.TotalSeconds:F0}/s; worker cpu {cpu.TotalSeconds:F2} s ({cpu / watch.Elapsed:F2} cores busy)");
            Console.WriteLine($"  per process: {string.Join("; ", shares)}");
            Console.WriteLine($"  sent={campaign.Progress.Sent} plan={campaign.Progress.Plan}; load average now {File.ReadAllText("/proc/loadavg").Trim()}");
        }
        finally
        {
            foreach (var child in children)
            {
                if (!child.HasExited) child.Kill(entireProcessTree: true);
                child.Dispose();
            }
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    /// <summary>
    /// One engine process (the bench program itself, scenario scaleout-worker): prints "ready" once
    /// its engine runs, sends until its standard input closes, then stops cleanly and prints what it sent.
    /// </summary>
    public static async Task WorkerAsync(string connectionString)
    {
        var counting = new CountingTransports();
        await using var bench = await BenchHost.CreateAsync(instant: true, Settings(connectionString),
            services => services.Replace(ServiceDescriptor.Singleton<IMailTransports>(counting)));
        await bench.StartAsync();
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        await bench.Host.StopAsync();
        Console.WriteLine($"sent {counting.Sent} cpu {Measure.CpuTime().TotalSeconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)} s");
    }

    private static Dictionary<string, string?> Settings(string connectionString) => new()
    {
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Triton"] = connectionString,
        // One key directory per database: every worker on it decrypts what another protected (the token signing key).
        ["Bench:KeysDirectory"] = Path.Combine(Path.GetTempPath(), "triton-bench-keys-" +
            Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(connectionString)))[..16]),
        ["Sending:PollMilliseconds"] = "100",
        // Compiling the template at the start of a run must not pause the campaign on a machine so busy
        // that inlining a small stylesheet takes seconds; the limit guards the admin, not this benchmark.
        ["Templates:InlineCssTimeoutMilliseconds"] = "60000",
    };

    private static Process StartWorker(string connectionString)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(ScaleOutBench).Assembly.Location, "scaleout-worker", connectionString])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        return Process.Start(start) ?? throw new InvalidOperationException("the worker did not start");
    }

    private static async Task<string> WaitForLineAsync(Process child, string prefix)
    {
        while (await child.StandardOutput.ReadLineAsync() is { } line)
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return line;
        throw new InvalidOperationException($"worker {child.Id} exited before printing '{prefix}'");
    }

    /// <summary>The newsletter's recipients by binary COPY (setup, not measured).</summary>
    private static async Task SeedAsync(string connectionString, int listId, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY recipients (list_id, email, email_key, user_id, fields, created_at) FROM STDIN (FORMAT BINARY)");
        var created = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            var (email, user, fields) = BenchHost.Row(i);
            await writer.StartRowAsync();
            await writer.WriteAsync(listId, NpgsqlDbType.Integer);
            await writer.WriteAsync(email, NpgsqlDbType.Text);
            await writer.WriteAsync(email, NpgsqlDbType.Text);
            await writer.WriteAsync(user, NpgsqlDbType.Text);
            await writer.WriteAsync(fields, NpgsqlDbType.Text);
            await writer.WriteAsync(created, NpgsqlDbType.TimestampTz);
        }
        await writer.CompleteAsync();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The instant transport, counting what this process sent.</summary>
    private sealed class CountingTransports : IMailTransports, IMailTransport
    {
        private static readonly Task<SendResult> Accepted = Task.FromResult(SendResult.Accepted("250 ok", 250));
        private long _sent;

        public long Sent => Interlocked.Read(ref _sent);
        public IMailTransport For(Transport transport) => this;

        public Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sent);
            return Accepted;
        }
    }
}
