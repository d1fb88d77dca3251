using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Domain;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Sending;

/// <summary>
/// The real Triton process killed mid-campaign (SIGKILL, no chance to clean up) and started again
/// on the same database: the campaign finishes and nobody is lost. Only messages in flight at the
/// kill (sent but not yet recorded) may go out twice.
/// </summary>
public sealed class CrashRecoveryTests
{
    private const int Recipients = 2500;
    private const int Concurrency = 8;
    private const int Workers = 4;
    private const int ResultBatch = 50;

    [Fact]
    public async Task A_process_killed_mid_campaign_finishes_after_restart_with_no_recipient_lost()
    {
        await using var database = new SqliteTestDatabase();
        var data = Directory.CreateTempSubdirectory("triton-crash-").FullName;
        try
        {
            await using (var db = database.CreateContext()) await db.Database.MigrateAsync();
            var id = await EngineScenario.CreateCampaignAsync(database, EngineScenario.Addresses(Recipients), ratePerSecond: 500, concurrency: Concurrency);
            await using (var db = database.CreateContext())
                await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.State, CampaignState.Pending));

            using (var first = StartTriton(database, data))
            {
                await WaitAsync(database, id, c => c.Progress.Sent >= 500, first);
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync();
            }
            var atKill = await EngineScenario.CampaignAsync(database, id);
            Assert.Equal(CampaignState.Running, atKill.State);
            Assert.True(atKill.Progress.Sent < Recipients, "the kill came after the campaign finished");

            using var second = StartTriton(database, data);
            var done = await WaitAsync(database, id, c => c.State == CampaignState.Finished, second);
            second.Kill(entireProcessTree: true);

            Assert.Equal(Recipients, done.Progress.Plan);
            Assert.Equal(Recipients, done.Progress.Sent);
            var received = Directory.EnumerateFiles(Path.Combine(data, "pickup"), "*.eml")
                .Select(f => File.ReadLines(f).First(l => l.StartsWith("To:", StringComparison.Ordinal))[3..].Trim().Trim('<', '>'))
                .GroupBy(to => to).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(Recipients, received.Count); // nobody lost
            var repeated = received.Values.Sum(n => n - 1);
            // The documented window (docs/SENDING.md): messages being sent by the workers plus the
            // results queued for the writer and the batch it was writing.
            Assert.InRange(repeated, 0, Workers + 2 * ResultBatch);
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static Process StartTriton(TestDatabase database, string data)
    {
        var web = Path.Combine(AppContext.BaseDirectory, "Triton.Web.dll");
        var start = new ProcessStartInfo("dotnet", [web, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = data,
        };
        start.Environment["Triton__DataDirectory"] = data;
        start.Environment["Database__Provider"] = database.Provider.ToString();
        start.Environment["ConnectionStrings__Triton"] = database.ConnectionString;
        start.Environment["Sending__LeaseSeconds"] = "2";
        start.Environment["Sending__Workers"] = Workers.ToString();
        start.Environment["Sending__ResultBatchSize"] = ResultBatch.ToString();
        start.Environment["Sending__PollMilliseconds"] = "100";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Triton did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<Campaign> WaitAsync(TestDatabase database, int id, Func<Campaign, bool> condition, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var campaign = await EngineScenario.CampaignAsync(database, id);
            if (condition(campaign)) return campaign;
            if (process.HasExited) throw new InvalidOperationException($"Triton exited with code {process.ExitCode}.");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Campaign is {campaign.State} with sent {campaign.Progress.Sent} of {campaign.Progress.Plan}.");
            await Task.Delay(20);
        }
    }
}
